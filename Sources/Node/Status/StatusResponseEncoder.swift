import Logging
import Coordination
import Foundation
import HTTP

/// The body of GET /api/v1/external-services/status, written by hand: `JSONEncoder` took about a
/// fifth of the route's CPU. The catalog part never changes while the node runs, so it is encoded
/// once (with `JSONEncoder`, the contract's field names) when the router is built; per request only
/// the live nodes and the node id are written. Same fields and values as encoding `StatusResponse`.
struct StatusResponseEncoder: Sendable {
    /// `{"nodes":[`
    private static let head = Array(#"{"nodes":["#.utf8)
    /// Each catalog entry's JSON object without its closing brace, in catalog order, then
    /// `,"servedBy":"<node id>"}`: fixed for this node (or why it could not be encoded: a bug of
    /// ours, answered as a logged 500 on each request rather than at start).
    private let parts: Result<(services: [(name: String, open: [UInt8])], end: [UInt8]), HTTPError>

    init(services: [ServiceDefinition], servedBy: String) {
        var entries: [(name: String, open: [UInt8])] = []
        do {
            let encoder = JSONEncoder()
            for service in services {
                var bytes = Array(try encoder.encode(service))
                guard bytes.last == UInt8(ascii: "}") else { throw StatusEncodingFailure() }
                bytes.removeLast()
                entries.append((service.name, bytes))
            }
        } catch {
            var failure = HTTPError.internalError
            failure.logDetail = "JSON encoding of the service catalog failed: \(error)"
            parts = .failure(failure)
            return
        }
        var end = Array(#"],"servedBy":"#.utf8)
        JSONBytes.appendString(servedBy, to: &end)
        end.append(UInt8(ascii: "}"))
        parts = .success((entries, end))
    }

    private struct StatusEncodingFailure: Error {}

    /// The whole body for these live nodes.
    /// `states`: each service's live fields (a service without one has its catalog entry only).
    func encode(_ nodes: [ClusterNode], states: [String: ServiceLiveState] = [:]) throws(HTTPError) -> [UInt8] {
        let parts = try self.parts.get()
        var out: [UInt8] = []
        out.reserveCapacity(Self.head.count + nodes.count * 100 + parts.services.count * 400)
        out.append(contentsOf: Self.head)
        for (index, node) in nodes.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"id":"#.utf8)
            JSONBytes.appendString(node.id, to: &out)
            out.append(contentsOf: #","startedAt":""#.utf8)
            Self.appendTimestamp(ms: node.startedAtMs, to: &out)
            out.append(contentsOf: #"","lastSeenAt":""#.utf8)
            Self.appendTimestamp(ms: node.lastSeenAtMs, to: &out)
            out.append(contentsOf: #""}"#.utf8)
        }
        out.append(contentsOf: #"],"services":["#.utf8)
        for (index, service) in parts.services.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: service.open)
            states[service.name]?.appendFields(to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: parts.end)
        return out
    }

    /// Unix milliseconds as RFC 3339 in UTC with milliseconds (`2026-12-03T13:21:31.588Z`), the
    /// format of `Logger.timestamp`, computed from integers (days to civil date after
    /// H. Hinnant's `civil_from_days`) instead of a `Date` format style, which cost microseconds.
    static func appendTimestamp(ms: Int64, to out: inout [UInt8]) {
        let (days, msOfDay) = floorDivision(ms, 86_400_000)
        // Shifted so that the era starts on 0000-03-01: leap days fall at the end of a year.
        let z = days + 719_468
        let era = floorDivision(z, 146_097).quotient
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        appendDigits(year, count: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(month, count: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(day, count: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(msOfDay / 3_600_000, count: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(msOfDay / 60_000 % 60, count: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(msOfDay / 1000 % 60, count: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendDigits(msOfDay % 1000, count: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// Quotient and remainder rounded toward negative infinity (dates before 1970 stay correct).
    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor - (value % divisor < 0 ? 1 : 0)
        return (quotient, value - quotient * divisor)
    }

    /// `value` zero-padded to at least `count` digits (a negative year keeps its sign), written
    /// digit by digit from the highest power of ten: no temporary string or array.
    private static func appendDigits(_ value: Int64, count: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        var width = 1
        while divisor <= magnitude / 10 {
            divisor *= 10
            width += 1
        }
        if width < count { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count - width)) }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
            divisor /= 10
        }
    }
}
