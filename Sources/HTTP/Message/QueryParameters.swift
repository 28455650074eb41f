/// Decoded `application/x-www-form-urlencoded` pairs of a query string, in order, repeats kept.
public struct QueryParameters: Sendable, Equatable {
    public private(set) var pairs: [(name: String, value: String)]

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    public init(parsing query: some StringProtocol) {
        pairs = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: "=") {
                pairs.append((PercentDecoding.decode(part[part.startIndex..<eq], plusAsSpace: true),
                              PercentDecoding.decode(part[part.index(after: eq)...], plusAsSpace: true)))
            } else {
                pairs.append((PercentDecoding.decode(part, plusAsSpace: true), ""))
            }
        }
    }

    /// The first value for `name`.
    public subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    public func values(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
}

/// Percent-decoding (RFC 3986 2.1); malformed escapes are kept literally rather than failing the request.
public enum PercentDecoding {
    public static func decode(_ text: some StringProtocol, plusAsSpace: Bool = false) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.contains(UInt8(ascii: "%")) || (plusAsSpace && utf8.contains(UInt8(ascii: "+"))) else {
            return String(text)
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count,
               let high = ByteClass.hexValue(utf8[index + 1]), let low = ByteClass.hexValue(utf8[index + 2]) {
                out.append(UInt8(high * 16 + low))
                index += 3
                continue
            }
            out.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
