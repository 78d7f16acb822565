// Command axiomsvet runs the axiomsguard analyzer: alone
// (axiomsvet ./...) or under go vet (go vet -vettool=$(which axiomsvet) ./...).
package main

import (
	"github.com/axioms-go/axiomsgen/analyzer"
	"golang.org/x/tools/go/analysis/singlechecker"
)

func main() { singlechecker.Main(analyzer.Analyzer) }
