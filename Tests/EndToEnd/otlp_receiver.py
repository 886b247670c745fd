"""An OTLP/HTTP receiver on loopback for the end-to-end tests: decodes what it receives with the
official `opentelemetry-proto` classes (never with a decoder of the gateway's), gunzipping what is
gzipped, and answers each path prefix as its test asks (success, a status, a dropped connection)."""

import gzip
import http.server
import socket
import threading
import time

from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2


class Exchange:
    """One export request as received."""

    def __init__(self, prefix, signal, headers, message, at):
        self.prefix, self.signal, self.headers, self.message, self.at = prefix, signal, headers, message, at


class Receiver:
    """Records every export by destination prefix (the path before `/v1/traces` or `/v1/metrics`).

    `behaviour[prefix]` is a list of answers used in turn, the last one repeated: an int status,
    `("status", code, headers)`, `"drop"` (close the connection unanswered), `("partial", n)`
    (200 with a partial success rejecting n items) or `("slow", seconds)` (200 after that long)."""

    def __init__(self, port=0):
        self.exchanges = []
        self.behaviour = {}
        self.attempts = {}
        self.lock = threading.Lock()
        self.port = port
        self.server = None
        self.start()

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                for signal in ("traces", "metrics"):
                    suffix = f"/v1/{signal}"
                    if self.path.endswith(suffix):
                        break
                else:
                    self.send_response(404)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                prefix = self.path[: -len(suffix)]
                with receiver.lock:
                    count = receiver.attempts.get((prefix, signal), 0)
                    receiver.attempts[(prefix, signal)] = count + 1
                    answers = receiver.behaviour.get(prefix, [200])
                    answer = answers[min(count, len(answers) - 1)]
                if isinstance(answer, tuple) and answer[0] == "slow":
                    time.sleep(answer[1])
                if answer == "drop":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if self.headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                message = (trace_service_pb2.ExportTraceServiceRequest if signal == "traces" else metrics_service_pb2.ExportMetricsServiceRequest)()
                message.ParseFromString(body)
                with receiver.lock:
                    receiver.exchanges.append(Exchange(prefix, signal, {k.lower(): v for k, v in self.headers.items()}, message, time.monotonic()))
                status, headers, reply = 200, {}, b""
                if isinstance(answer, int):
                    status = answer
                elif answer[0] == "status":
                    _, status, headers = answer
                elif answer[0] == "partial":
                    if signal == "traces":
                        response = trace_service_pb2.ExportTraceServiceResponse()
                        response.partial_success.rejected_spans = answer[1]
                    else:
                        response = metrics_service_pb2.ExportMetricsServiceResponse()
                        response.partial_success.rejected_data_points = answer[1]
                    response.partial_success.error_message = "rejected by the test"
                    reply = response.SerializeToString()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        class Server(http.server.ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def url(self, prefix):
        return f"http://127.0.0.1:{self.port}{prefix}"

    def received(self, prefix, signal="traces"):
        with self.lock:
            return [e for e in self.exchanges if e.prefix == prefix and e.signal == signal]

    def spans(self, prefix):
        """Every span received at `prefix`, with its resource attributes: (span, resource) pairs."""
        out = []
        for exchange in self.received(prefix):
            for resource_spans in exchange.message.resource_spans:
                resource = attributes(resource_spans.resource.attributes)
                for scope in resource_spans.scope_spans:
                    out.extend((span, resource) for span in scope.spans)
        return out

    def latest_metrics(self, prefix):
        """The metrics of the newest export at `prefix`, by name: a list of (attributes, point)."""
        exchanges = self.received(prefix, "metrics")
        if not exchanges:
            return {}
        metrics = {}
        for resource_metrics in exchanges[-1].message.resource_metrics:
            for scope in resource_metrics.scope_metrics:
                for metric in scope.metrics:
                    points = metric.histogram.data_points if metric.HasField("histogram") else metric.sum.data_points
                    metrics[metric.name] = (metric, [(attributes(p.attributes), p) for p in points])
        return metrics


def attributes(key_values):
    """OTLP attributes as a dict of plain Python values."""
    out = {}
    for kv in key_values:
        kind = kv.value.WhichOneof("value")
        out[kv.key] = getattr(kv.value, kind) if kind else None
    return out


def wait_until(predicate, timeout=30, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()
