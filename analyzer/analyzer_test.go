package analyzer_test

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/axioms-go/axiomsgen/analyzer"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestAnalyzer(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "testdata", "analyzer")
	analysistest.Run(t, dir, analyzer.Analyzer, "./...")
}
