import Testing
@testable import Coordination

/// Every key is `<prefix>:{<tag>}:<field>`, and keys of one entity share one hash tag (one Redis
/// Cluster slot), so a script may take several of them.
@Suite struct KeySpaceTests {
    /// The part between the first `{` and the next `}`: what Redis Cluster hashes.
    func hashTag(_ key: String) -> Substring? {
        guard let open = key.firstIndex(of: "{"), let close = key[open...].firstIndex(of: "}") else { return nil }
        return key[key.index(after: open)..<close]
    }

    @Test func layoutPerEntity() {
        let keys = KeySpace(prefix: "acme")
        let cases: [(String, String)] = [
            (keys.room("cost_monitoring").history, "acme:{room:cost_monitoring}:history"),
            (keys.room("cost_monitoring").channel, "acme:{room:cost_monitoring}:events"),
            (keys.node("n-1").realtimeReport, "acme:{node:n-1}:realtime"),
            (keys.node("n-1").probeChannel, "acme:{node:n-1}:probe"),
            (keys.cluster.members, "acme:{cluster}:members"),
        ]
        for (key, expected) in cases { #expect(key == expected) }
        #expect(hashTag(keys.room("r").history) == hashTag(keys.room("r").channel))
        #expect(hashTag(keys.node("a").realtimeReport) != hashTag(keys.node("b").realtimeReport))
    }

    @Test func roomFromChannelIsTheInverseAndRejectsEverythingElse() {
        let keys = KeySpace()
        // A name that starts with a combining mark or ends with a prepended mark joins the layout's
        // `:` / `}` into one Character: the inverse must work on bytes, not Characters.
        for room in ["cost_monitoring", "a", "with:colon", "with}brace", "\u{0301}accent", "end\u{0600}", "é"] {
            #expect(keys.room(fromChannel: keys.room(room).channel) == room)
        }
        for channel in ["", "coord:{room:}:events", "other:{room:x}:events", "coord:{room:x}:history",
                        "{room:x}", KeySpace(prefix: "else").room("x").channel, keys.node("x").probeChannel] {
            #expect(keys.room(fromChannel: channel) == nil, "\(channel)")
        }
    }
}
