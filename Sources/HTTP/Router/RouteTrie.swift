/// A path trie: literal segments, one `:param` child per node (literals win, with backtracking),
/// and per node the routes by method. Built as values (`Draft`), then frozen into shared immutable
/// `Node`s for matching.
struct RouteTrie: Sendable {
    /// A handler with the pattern and parameter names it was registered with; an object, so a matched
    /// route travels through a request as one reference.
    final class Route: Sendable {
        let pattern: String
        let parameterNames: [String]
        let handler: HTTPHandler
        /// Set for routes registered with `onSync`; lets the server answer without creating a `Task`.
        let syncHandler: HTTPSyncHandler?

        init(pattern: String, parameterNames: [String], handler: @escaping HTTPHandler, syncHandler: HTTPSyncHandler?) {
            self.pattern = pattern
            self.parameterNames = parameterNames
            self.handler = handler
            self.syncHandler = syncHandler
        }
    }

    /// What answers a method the path does not have, for a path registered by a group with its own
    /// middleware: that middleware runs first (an unauthenticated caller gets 401, not the path's
    /// methods), then 405. `make` gets the path's final `Allow` list when the router is built.
    struct Fallback: Sendable {
        let pattern: String
        let parameterNames: [String]
        let make: @Sendable (_ allowed: [String]) -> (handler: HTTPHandler, syncHandler: HTTPSyncHandler?)
    }

    /// One path segment position while routes are added (a value: copies of a `Router` stay independent).
    struct Draft: Sendable {
        var literals: [String: Draft] = [:]
        var parameter: [Draft] = []
        var routes: [String: Route] = [:]
        var fallback: Fallback?
    }

    /// One path segment position of a built router: immutable objects, so matching walks references
    /// instead of copying three dictionaries per level, and a match is one reference.
    final class Node: Sendable {
        let literals: [String: Node]
        let parameter: Node?
        let routes: [String: Route]
        /// For a method not in `routes` (see `Fallback`); nil: a plain 405.
        let fallback: Route?

        init(_ draft: Draft) {
            literals = draft.literals.mapValues(Node.init)
            parameter = draft.parameter.first.map(Node.init)
            routes = draft.routes
            fallback = draft.fallback.map { fallback in
                let made = fallback.make(RouteTrie.allowed(draft.routes.keys))
                return Route(pattern: fallback.pattern, parameterNames: fallback.parameterNames,
                             handler: made.handler, syncHandler: made.syncHandler)
            }
        }
    }

    /// The `Allow` list of a path with routes for `methods`: those, plus HEAD where GET exists.
    static func allowed(_ methods: some Sequence<String>) -> [String] {
        var allowed = Array(methods)
        if allowed.contains("GET") && !allowed.contains("HEAD") { allowed.append("HEAD") }
        return allowed.sorted()
    }

    private(set) var root = Draft()

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

    mutating func insert(method: String, pattern: String, handler: @escaping HTTPHandler,
                         syncHandler: HTTPSyncHandler? = nil) {
        let segments = Self.segments(pattern)
        let names = segments.filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
        Self.insert(into: &root, segments[...], route: Route(pattern: "/" + segments.joined(separator: "/"),
                                                            parameterNames: names, handler: handler,
                                                            syncHandler: syncHandler), method: method)
    }

    /// Sets the fallback of `pattern`'s node, unless a group registered one there first.
    mutating func insertFallback(pattern: String,
                                 make: @escaping @Sendable ([String]) -> (handler: HTTPHandler, syncHandler: HTTPSyncHandler?)) {
        let segments = Self.segments(pattern)
        let names = segments.filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
        let fallback = Fallback(pattern: "/" + segments.joined(separator: "/"), parameterNames: names, make: make)
        func visit(_ node: inout Draft, _ segments: ArraySlice<Substring>) {
            guard let first = segments.first else {
                if node.fallback == nil { node.fallback = fallback }
                return
            }
            if first.hasPrefix(":") {
                if node.parameter.isEmpty { node.parameter.append(Draft()) }
                visit(&node.parameter[0], segments.dropFirst())
            } else {
                var child = node.literals[String(first)] ?? Draft()
                visit(&child, segments.dropFirst())
                node.literals[String(first)] = child
            }
        }
        visit(&root, segments[...])
    }

    private static func insert(into node: inout Draft, _ segments: ArraySlice<Substring>, route: Route, method: String) {
        guard let first = segments.first else {
            node.routes[method] = route
            return
        }
        if first.hasPrefix(":") {
            if node.parameter.isEmpty { node.parameter.append(Draft()) }
            insert(into: &node.parameter[0], segments.dropFirst(), route: route, method: method)
        } else {
            var child = node.literals[String(first)] ?? Draft()
            insert(into: &child, segments.dropFirst(), route: route, method: method)
            node.literals[String(first)] = child
        }
    }

    /// Every node with routes that is reached through literal segments only, by its normalized path
    /// (`/a/b`, `/` for the root): such a path matches that node whatever else the trie holds (literals
    /// are tried first at every level), so one dictionary lookup can replace the walk.
    static func literalPaths(_ root: Node) -> [String: Node] {
        var paths: [String: Node] = [:]
        func visit(_ node: Node, _ prefix: String) {
            if !node.routes.isEmpty { paths[prefix.isEmpty ? "/" : prefix] = node }
            for (segment, child) in node.literals { visit(child, prefix + "/" + segment) }
        }
        visit(root, "")
        return paths
    }

    /// The node for `path` from `literalPaths`, or nil to walk the trie: one trailing slash is dropped
    /// as `match` does; a path with an empty segment is never a key (keys have none), as `match` refuses it.
    static func literalMatch(_ path: Substring, in paths: [String: Node]) -> Node? {
        var key = path
        if key.utf8.count > 1, key.utf8.last == UInt8(ascii: "/") {
            key = key.dropLast()
            if key.utf8.last == UInt8(ascii: "/") { return nil }   // `//` at the end: an empty segment
        }
        return paths[String(key)]
    }

    /// The node whose routes match `path`, and the raw values of its parameter segments in order.
    /// A path with an empty segment (`//x`, `/a//b`, `/a//`) is a different resource, not an alias (a
    /// proxy or an auth rule keyed on the exact path would otherwise disagree with us), so it matches
    /// nothing (404). One trailing slash is tolerated (`/a/b/` is `/a/b`), since clients and proxies add
    /// it freely. Segments are walked in place rather than collected into an array (an allocation on
    /// every request).
    static func match(_ path: some StringProtocol, in root: Node) -> (node: Node, values: [Substring])? {
        let path = Substring(path)
        let utf8 = path.utf8
        // An empty segment anywhere (`//`) makes the path match nothing.
        var previousWasSlash = false
        for byte in utf8 {
            let isSlash = byte == UInt8(ascii: "/")
            if isSlash && previousWasSlash { return nil }
            previousWasSlash = isSlash
        }
        var values: [Substring] = []
        guard let node = Self.match(root, path, from: path.startIndex, &values) else { return nil }
        return (node, values)
    }

    /// The next non-empty segment at or after `start`, and where the one after it begins.
    private static func segment(of path: Substring, from start: Substring.Index) -> (Substring, Substring.Index)? {
        let utf8 = path.utf8
        var begin = start
        while begin < utf8.endIndex && utf8[begin] == UInt8(ascii: "/") { begin = utf8.index(after: begin) }
        guard begin < utf8.endIndex else { return nil }
        var end = begin
        while end < utf8.endIndex && utf8[end] != UInt8(ascii: "/") { end = utf8.index(after: end) }
        return (path[begin..<end], end)
    }

    private static func match(_ node: Node, _ path: Substring, from start: Substring.Index,
                              _ values: inout [Substring]) -> Node? {
        guard let (first, rest) = segment(of: path, from: start) else { return node.routes.isEmpty ? nil : node }
        if let child = node.literals[String(first)], let found = match(child, path, from: rest, &values) {
            return found
        }
        if let child = node.parameter {
            values.append(first)
            if let found = match(child, path, from: rest, &values) { return found }
            values.removeLast()
        }
        return nil
    }
}
