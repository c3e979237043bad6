// Command docstore runs the embedded MongoDB-wire store of Udkast: FerretDB with its
// SQLite backend, listening on loopback only.
//
// It prints one line, "docstore ready <mongodb-uri>", once it accepts connections, and
// stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // served only with -pprof-addr
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dataDir := flag.String("data", "var/docstore", "directory for the SQLite files")
	port := flag.Int("port", 27017, "TCP port on 127.0.0.1 (0 picks a free one)")
	logLevel := flag.String("log-level", "error", "debug, info, warn or error")
	pprofAddr := flag.String("pprof-addr", "", "serve Go's profiles (net/http/pprof) on this address, e.g. 127.0.0.1:6060; off when empty")
	flag.Parse()

	// FerretDB allocates much per document it returns and keeps little: at Go's default
	// (GOGC=100) garbage collection took a third of the store's CPU per request. 400 trades
	// some memory for it, and above a soft limit of 256 MiB the collector runs as often as it
	// must to stay there; GOGC and GOMEMLIMIT in the environment override.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}

	if *pprofAddr != "" {
		go func() {
			if err := http.ListenAndServe(*pprofAddr, nil); err != nil {
				fmt.Fprintln(os.Stderr, "docstore: pprof:", err)
			}
		}()
	}

	if err := run(*dataDir, *port, *logLevel); err != nil {
		fmt.Fprintln(os.Stderr, "docstore:", err)
		os.Exit(1)
	}
}

func run(dataDir string, port int, logLevel string) error {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("log level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: fmt.Sprintf("127.0.0.1:%d", port)},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	uri := f.MongoDBURI()
	if err := waitForListener(ctx, uri); err != nil {
		return err
	}
	fmt.Printf("docstore ready %s\n", uri)

	return <-done
}

// waitForListener returns once the listener accepts TCP connections, so that the ready
// line is only printed when clients can connect.
func waitForListener(ctx context.Context, uri string) error {
	host := uri[len("mongodb://"):]
	host = host[:len(host)-1]
	for {
		conn, err := net.DialTimeout("tcp", host, time.Second)
		if err == nil {
			return conn.Close()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
