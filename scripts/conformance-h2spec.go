// Command h2spec runs h2spec's server conformance tests (github.com/summerwind/h2spec) against one
// server and exits 1 when a test failed. scripts/conformance.sh builds it against the h2spec
// library sources in ../shared/conformance/h2spec/src, whose own command folder is not there.
//
// usage: h2spec [-t] [-k] [-h HOST] [-p PORT] [-P PATH] [-o SECONDS] [-j REPORT.xml] [SECTION...]
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/summerwind/h2spec"
	"github.com/summerwind/h2spec/config"
)

func main() {
	host := flag.String("h", "127.0.0.1", "target host")
	port := flag.Int("p", 0, "target port")
	path := flag.String("P", "/", "target path")
	timeout := flag.Int("o", 2, "seconds before a test times out")
	junit := flag.String("j", "", "path of a JUnit XML report to write")
	useTLS := flag.Bool("t", false, "connect over TLS")
	insecure := flag.Bool("k", false, "do not verify the server's certificate")
	strict := flag.Bool("S", false, "also run the strict test cases")
	flag.Parse()
	if *port == 0 {
		fmt.Fprintln(os.Stderr, "h2spec: -p PORT is required")
		os.Exit(2)
	}
	c := &config.Config{
		Host:         *host,
		Port:         *port,
		Path:         *path,
		Timeout:      time.Duration(*timeout) * time.Second,
		MaxHeaderLen: 4000,
		JUnitReport:  *junit,
		Strict:       *strict,
		TLS:          *useTLS,
		Insecure:     *insecure,
		Sections:     flag.Args(),
	}
	ok, err := h2spec.Run(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "h2spec:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}
