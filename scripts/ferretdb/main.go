// Command ferretdb-launcher runs an embedded FerretDB v1 (MongoDB wire protocol over
// PostgreSQL or SQLite) for development and CI machines that cannot run mongod.
//
// The Node side starts it with a free port and reads one line from stdout,
// "READY <mongodb-uri>", once the listener accepts connections. It stops on SIGTERM/SIGINT
// and also when its stdin closes, so a parent killed with SIGKILL never leaves it running.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	handler := flag.String("handler", "sqlite", "backend: sqlite or postgresql")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL URL (handler postgresql)")
	sqliteURL := flag.String("sqlite-url", "", "SQLite directory as file:/abs/dir/ (handler sqlite)")
	watchStdin := flag.Bool("watch-stdin", true, "exit when stdin closes")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad -log-level: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        logger,
		Handler:       *handler,
		PostgreSQLURL: *postgresURL,
		SQLiteURL:     *sqliteURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		f.Run(ctx)
		close(done)
	}()

	// Run does not report readiness, so poll the listener before announcing it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", *listen, 200*time.Millisecond)
		if err == nil {
			_ = conn.Close()
			break
		}
		select {
		case <-done:
			fmt.Fprintln(os.Stderr, "ferretdb: stopped before it was ready")
			os.Exit(3)
		default:
		}
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "ferretdb: not ready after 30s")
			os.Exit(4)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Printf("READY %s\n", f.MongoDBURI())

	<-done
}
