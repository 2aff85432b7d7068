import CivgateModel
import Foundation
import HTTPTypes
import Hummingbird

/// The gateway's HTTP API (`contracts/api/openapi.yaml`).
struct GatewayRoutes: Sendable {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    let store: any GatewayStore
    let ingest: IngestService
    let maxBodyBytes: Int
    let readiness: @Sendable () async -> ReadinessReport
    /// Told when an operator action queued a delivery again (wakes its workers).
    let onRequeued: @Sendable (DeliveryState) -> Void

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/records") { request, _ in try await postRecord(request) }
        router.post("/v1/records:batch") { request, _ in try postBatch(request) }
        router.get("/v1/records/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let view = try await store.recordView(id: id) else { throw Problem.notFound("record") }
            return try json(view)
        }
        router.get("/v1/deliveries/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let view = try await store.deliveryView(id: id) else { throw Problem.notFound("delivery") }
            return try json(view)
        }
        router.post("/v1/deliveries/{id}/resolve") { request, context in
            try await resolve(request, id: try context.parameters.require("id"))
        }
        router.get("/healthz") { _, _ in try json(["status": "ok"]) }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Metrics.shared.exposition())))
        }
        router.get("/readyz") { _, _ in
            let report = await readiness()
            return try json(report, status: report.ready ? .ok : .serviceUnavailable)
        }
    }

    private func postRecord(_ request: Request) async throws -> Response {
        guard let contentType = request.headers[.contentType], Self.isJSON(contentType) else {
            throw Problem(
                status: 415, code: "unsupported-media-type", title: "Unsupported media type",
                detail: "send the record as application/json")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw Problem(
                status: 413, code: "body-too-large", title: "Body too large",
                detail: "a record may be at most \(maxBodyBytes) bytes")
        }
        switch await ingest.submit(key: request.headers[Self.idempotencyKey], body: Data(buffer: buffer)) {
        case .problem(let problem):
            return problem.response()
        case .stored(let status, let body, let replayed, let recordID):
            var headers: HTTPFields = [.contentType: "application/json", .location: "/v1/records/\(recordID)"]
            if replayed { headers[Self.replayed] = "true" }
            return Response(
                status: HTTPResponse.Status(code: status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// `POST /v1/records:batch`: NDJSON in, one result line per record line out, both streamed; lines
    /// are taken in chunks whose writes share transactions (group commit).
    private func postBatch(_ request: Request) throws -> Response {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
        guard let mediaType,
            ["application/x-ndjson", "application/ndjson", "application/jsonl"].contains(mediaType.lowercased())
        else {
            throw Problem(
                status: 415, code: "unsupported-media-type", title: "Unsupported media type",
                detail: "send records as application/x-ndjson, one JSON record per line")
        }
        let ingest = self.ingest
        let maxLine = maxBodyBytes
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody { writer in
                // Lines are split, planned and answered on the background threads (as their intake is), so
                // live requests and deliveries get the CPU first while a bulk load runs.
                try await withTaskExecutorPreference(BackgroundExecutor.shared) {
                    var splitter = NDJSONLineSplitter(maxLineBytes: maxLine)
                    var pending: [NDJSONLineSplitter.Line] = []
                    for try await buffer in request.body {
                        pending += splitter.feed(buffer)
                        if pending.count >= Self.batchChunk {
                            try await writer.write(await Self.process(pending, ingest: ingest, maxLine: maxLine))
                            pending = []
                        }
                    }
                    if let last = splitter.finish() { pending.append(last) }
                    if !pending.isEmpty {
                        try await writer.write(await Self.process(pending, ingest: ingest, maxLine: maxLine))
                    }
                    try await writer.finish(nil)
                }
            })
    }

    /// Lines per chunk: ingested concurrently, answered in order. Each stream holds one chunk's parsed
    /// records until they are written: 256 keeps that memory at about half of what 512 took, at the
    /// same rate (bench, batch and delivery phases, 30,000 records).
    static let batchChunk = 256

    private static func process(_ lines: [NDJSONLineSplitter.Line], ingest: IngestService, maxLine: Int) async
        -> ByteBuffer
    {
        var texts: [(line: Int, body: Data)] = []
        var results: [BatchLineResult] = []
        for line in lines {
            switch line {
            case .text(let number, let bytes):
                texts.append((number, Data(bytes)))
            case .oversized(let number):
                results.append(
                    BatchLineResult(
                        line: number, status: "rejected",
                        problem: Problem(
                            status: 413, code: "body-too-large", title: "Record too large",
                            detail: "a record line may be at most \(maxLine) bytes")))
            }
        }
        results += await ingest.submitBatchLines(texts)
        var buffer = ByteBuffer()
        for result in results.sorted(by: { $0.line < $1.line }) {
            buffer.writeBytes(result.jsonLine())
            buffer.writeString("\n")
        }
        return buffer
    }

    /// `POST /v1/deliveries/{id}/resolve`: confirm a multiple birth, or retry, with a reason.
    private func resolve(_ request: Request, id: String) async throws -> Response {
        struct Resolution: Decodable {
            var action: String
            var reason: String
            var actor: String
        }
        let buffer = try await request.body.collect(upTo: 16 * 1024)
        guard let resolution = try? JSONDecoder().decode(Resolution.self, from: Data(buffer: buffer)),
            ["confirm-multiple-birth", "retry"].contains(resolution.action),
            (3...500).contains(resolution.reason.count), !resolution.actor.isEmpty
        else {
            throw Problem(
                status: 422, code: "invalid-request", title: "Invalid resolution",
                detail: "send {action: confirm-multiple-birth|retry, reason: 3–500 characters, actor}")
        }
        let now = Timestamp.now()
        let outcome: OperatorOutcome
        if resolution.action == "retry" {
            outcome = try await store.replay(
                ids: [id], newKey: false, actor: resolution.actor, reason: resolution.reason, now: now)[0]
        } else {
            outcome = try await store.resolve(
                id: id, confirmation: Confirmation.multipleBirth, actor: resolution.actor, reason: resolution.reason,
                now: now)
        }
        switch outcome.result {
        case "not-found": throw Problem.notFound("delivery")
        case "skipped":
            throw Problem(
                status: 409, code: "invalid-state", title: "Not resolvable",
                detail: "the delivery is \(outcome.from?.rawValue ?? "?"): \(outcome.detail ?? "")")
        default:
            if let to = outcome.to { onRequeued(to) }
            guard let view = try await store.deliveryView(id: id) else { throw Problem.notFound("delivery") }
            return try json(view)
        }
    }

    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        return mediaType == "application/json"
    }

    private func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
