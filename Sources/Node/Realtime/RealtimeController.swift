import Auth
import Coordination
import Foundation
import HTTP
import Logging

/// The realtime feature's HTTP side: accepting the WebSocket, publishing, and the cluster figures.
struct RealtimeController: Sendable {
    let feature: RealtimeFeature

    /// POST /api/v1/realtime/publish body.
    struct PublishRequest: Decodable {
        var room: String
        var event: String
        var data: JSONValue
        var priority: RealtimePriority?
    }

    /// Largest `data` accepted for one event: events fan out to every subscriber of the room.
    static let maxEventDataBytes = 65_536

    /// The upgrade of `GET /api/v1/realtime`: a session for the verified caller.
    func accept(_ context: RequestContext) throws -> any WebSocketHandler {
        let claims = try context.require(.user)
        // The verifier's leeway admits a token a few seconds past `exp`; a socket would be closed
        // at once, and a browser would reconnect with it in a loop: refuse the upgrade instead.
        guard claims.expiresAt > Date() else { throw HTTPError.unauthorized("The token has expired.") }
        return RealtimeSession(hub: feature.hub, claims: claims, catalog: feature.rooms, counters: feature.counters)
    }

    func publish(_ request: HTTPRequest, _ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.manager)
        let body = try request.decodeJSON(PublishRequest.self)
        let rooms = feature.rooms
        guard rooms[body.room] != nil else {
            throw HTTPError.badRequest("Unknown room '\(body.room)'; rooms are \(rooms.names.joined(separator: ", ")).",
                                       code: "unknown_room", field: "room")
        }
        guard Self.isValidEventName(body.event) else {
            throw HTTPError.badRequest("event must be 1 to 64 characters of letters, digits, '_', '.', ':' or '-'.",
                                       code: "invalid_field", field: "event")
        }
        let data = body.data.text
        guard data.utf8.count <= Self.maxEventDataBytes else {
            throw HTTPError(status: 413, code: "payload_too_large",
                            message: "data must be at most \(Self.maxEventDataBytes) bytes of JSON.", field: "data")
        }
        let priority = body.priority ?? .medium
        let published = try await feature.hub.publish(room: body.room, event: body.event, priority: priority, data: data)
        return try HTTPResponse.json(RealtimePublishResponse(
            room: body.room, id: published.id.description, event: body.event, priority: priority,
            ts: published.timestampMs))
    }

    func metrics(_ context: RequestContext) async throws -> HTTPResponse {
        try context.require(.user)
        let nodes = try await feature.membership.liveNodes()
        var reports = try await feature.reports.load(nodes.map(\.id).filter { $0 != feature.nodeID })
        reports.append(feature.currentReport(messagesPerSecond: feature.rate.lastRate))
        return try HTTPResponse.json(RealtimeMetricsResponse(reports: reports.sorted { $0.nodeId < $1.nodeId },
                                                             rooms: feature.rooms.names, servedBy: feature.nodeID))
    }

    static func isValidEventName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2E || byte == 0x3A || byte == 0x2D
        }
    }
}

/// The answer to a publish: the event's id (what clients see and send back as `since`) and time.
struct RealtimePublishResponse: Encodable {
    var room: String
    var id: String
    var event: String
    var priority: RealtimePriority
    var ts: Int64
}
