// Command checkout is the Go service of the e2e trace flow: instrumented in code with
// go.opentelemetry.io/otel and the OTLP/gRPC exporter (otlptracegrpc) as in the seed guide, and the
// net/http instrumentation (otelhttp). Everything else comes from the environment the operator injects
// (`inject-sdk`): OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_PROPAGATORS (read by autoprop), OTEL_TRACES_SAMPLER / _ARG (read by the SDK).
//
// GET /work?kind=ok|error|slow&id=N answers {"traceId", "spans", "kind", "id"}; "spans" is the number of
// spans this request produced here (the otelhttp server span and the child spans below):
//
//	ok:    server + inventory.lookup                   (200)
//	error: server + inventory.lookup + payment.charge  (500, payment.charge and server span status Error)
//	slow:  server + report.render (sleeps SLOW_MS)     (200)
//
// The listener answers TCP at once (readiness); no other route is traced.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/contrib/propagators/autoprop"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

var tracer trace.Tracer

func initTracer(ctx context.Context) (*sdktrace.TracerProvider, error) {
	// endpoint, TLS (http:// = insecure), headers and timeouts from OTEL_EXPORTER_OTLP_* (no code options)
	exporter, err := otlptracegrpc.New(ctx)
	if err != nil {
		return nil, err
	}
	res, err := resource.Merge(resource.Default(), resource.Environment())
	if err != nil {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(autoprop.NewTextMapPropagator())
	return tp, nil
}

type answer struct {
	TraceID string `json:"traceId"`
	Spans   int    `json:"spans"`
	Kind    string `json:"kind"`
	ID      string `json:"id"`
}

func child(ctx context.Context, name string, d time.Duration, fail bool) {
	_, span := tracer.Start(ctx, name, trace.WithAttributes(attribute.Int64("e2e.sleep_ms", d.Milliseconds())))
	defer span.End()
	time.Sleep(d)
	if fail {
		err := errors.New("card declined")
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
}

func work(slow time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		server := trace.SpanFromContext(ctx)
		kind := r.URL.Query().Get("kind")
		id := r.URL.Query().Get("id")
		server.SetAttributes(attribute.String("e2e.kind", kind), attribute.String("e2e.id", id))
		status, spans := http.StatusOK, 1
		switch kind {
		case "ok":
			child(ctx, "inventory.lookup", 2*time.Millisecond, false)
			spans++
		case "error":
			child(ctx, "inventory.lookup", 2*time.Millisecond, false)
			child(ctx, "payment.charge", 2*time.Millisecond, true)
			spans += 2
			status = http.StatusInternalServerError
			server.SetStatus(codes.Error, "payment failed")
		case "slow":
			child(ctx, "report.render", slow, false)
			spans++
		default:
			http.Error(w, "kind must be ok, error or slow", http.StatusBadRequest)
			return
		}
		w.Header().Set("content-type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(answer{TraceID: server.SpanContext().TraceID().String(), Spans: spans, Kind: kind, ID: id})
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	tp, err := initTracer(ctx)
	if err != nil {
		log.Fatalf("checkout: tracer: %v", err)
	}
	tracer = tp.Tracer("otel-k8s-e2e/checkout")
	slowMs, _ := strconv.Atoi(os.Getenv("SLOW_MS"))
	if slowMs <= 0 {
		slowMs = 1200
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	mux := http.NewServeMux()
	mux.Handle("/work", otelhttp.NewHandler(work(time.Duration(slowMs)*time.Millisecond), "GET /work"))
	srv := &http.Server{Addr: ":" + port, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		log.Printf("checkout: listening on :%s", port)
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatalf("checkout: %v", err)
		}
	}()
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	if err := tp.Shutdown(shutdown); err != nil {
		log.Printf("checkout: tracer shutdown: %v", err)
	}
}
