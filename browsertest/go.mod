module github.com/axioms-go/axiomsgen/browsertest

go 1.26.0

require (
	github.com/axioms-go/axiomsgen v0.0.0
	github.com/chromedp/cdproto v0.160.1
	github.com/chromedp/chromedp v0.23.1
)

require (
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)

replace github.com/axioms-go/axiomsgen => ..
