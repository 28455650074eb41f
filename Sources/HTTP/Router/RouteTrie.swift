/// A path trie: literal segments, one `:param` child per node (literals win, with backtracking),
/// and per node the routes by method. Built once, then only read.
struct RouteTrie: Sendable {
    /// A handler with the pattern and parameter names it was registered with.
    struct Route: Sendable {
        let pattern: String
        let parameterNames: [String]
        let handler: HTTPHandler
    }

    /// One path segment position.
    struct Node: Sendable {
        var literals: [String: Node] = [:]
        var parameter: [Node] = []
        var routes: [String: Route] = [:]
    }

    private(set) var root = Node()

    /// Non-empty segments between slashes; splits on UTF-8 bytes (a slash is always one byte), which is
    /// much cheaper than splitting on Characters and runs for every request.
    static func segments(_ path: some StringProtocol) -> [Substring] {
        let path = Substring(path)
        var segments: [Substring] = []
        var start = path.startIndex
        for index in path.utf8.indices where path.utf8[index] == UInt8(ascii: "/") {
            if start < index { segments.append(path[start..<index]) }
            start = path.utf8.index(after: index)
        }
        if start < path.endIndex { segments.append(path[start...]) }
        return segments
    }

    mutating func insert(method: String, pattern: String, handler: @escaping HTTPHandler) {
        let segments = Self.segments(pattern)
        let names = segments.filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
        Self.insert(into: &root, segments[...], route: Route(pattern: "/" + segments.joined(separator: "/"),
                                                            parameterNames: names, handler: handler), method: method)
    }

    private static func insert(into node: inout Node, _ segments: ArraySlice<Substring>, route: Route, method: String) {
        guard let first = segments.first else {
            node.routes[method] = route
            return
        }
        if first.hasPrefix(":") {
            if node.parameter.isEmpty { node.parameter.append(Node()) }
            insert(into: &node.parameter[0], segments.dropFirst(), route: route, method: method)
        } else {
            var child = node.literals[String(first)] ?? Node()
            insert(into: &child, segments.dropFirst(), route: route, method: method)
            node.literals[String(first)] = child
        }
    }

    /// A request path's segments, or nil when it has an empty segment (`//x`, `/a//b`, `/a//`): such a
    /// path is a different resource, not an alias (a proxy or an auth rule keyed on the exact path
    /// would otherwise disagree with us), so it matches nothing (404). Policy for trailing slashes:
    /// one trailing slash is tolerated (`/a/b/` is `/a/b`), since clients and proxies add it freely.
    static func requestSegments(_ path: some StringProtocol) -> [Substring]? {
        let path = Substring(path)
        var segments: [Substring] = []
        var start = path.startIndex
        for index in path.utf8.indices where path.utf8[index] == UInt8(ascii: "/") {
            if start < index {
                segments.append(path[start..<index])
            } else if index != path.startIndex {
                return nil
            }
            start = path.utf8.index(after: index)
        }
        if start < path.endIndex { segments.append(path[start...]) }
        return segments
    }

    /// The node whose routes match `path`, and the raw values of its parameter segments in order.
    func match(_ path: some StringProtocol) -> (node: Node, values: [Substring])? {
        var values: [Substring] = []
        guard let segments = Self.requestSegments(path),
              let node = Self.match(root, segments[...], &values) else { return nil }
        return (node, values)
    }

    private static func match(_ node: Node, _ segments: ArraySlice<Substring>, _ values: inout [Substring]) -> Node? {
        guard let first = segments.first else { return node.routes.isEmpty ? nil : node }
        if let child = node.literals[String(first)], let found = match(child, segments.dropFirst(), &values) {
            return found
        }
        if let child = node.parameter.first {
            values.append(first)
            if let found = match(child, segments.dropFirst(), &values) { return found }
            values.removeLast()
        }
        return nil
    }
}
