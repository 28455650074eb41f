import Testing
@testable import Node

@Suite struct NodeCommandTests {
    @Test func parsesCommands() throws {
        #expect(try NodeCommand.parse([]) == .serve)
        #expect(try NodeCommand.parse(["serve"]) == .serve)
        #expect(try NodeCommand.parse(["migrate"]) == .migrate)
        #expect(try NodeCommand.parse(["token", "--sub", "ana", "--role", "manager", "--ttl", "30m"])
            == .token(subject: "ana", role: "manager", ttlSeconds: 1800))
        #expect(try NodeCommand.parse(["token", "--role", "user", "--sub", "bo"]) == .token(subject: "bo", role: "user", ttlSeconds: 3600))
    }

    @Test(arguments: [
        ["bogus"], ["serve", "extra"], ["token", "--sub", "a"], ["token", "--sub", "a", "--role", "root"],
        ["token", "--sub", "a", "--role", "user", "--ttl", "forever"], ["token", "--sub"], ["token", "--x", "y"],
    ])
    func refusesBadCommandLines(_ args: [String]) {
        #expect(throws: CommandLineError.self) { try NodeCommand.parse(args) }
    }

    @Test func durations() {
        #expect(NodeCommand.parseDuration("90s") == 90)
        #expect(NodeCommand.parseDuration("1h") == 3600)
        #expect(NodeCommand.parseDuration("7d") == 604_800)
        #expect(NodeCommand.parseDuration("45") == 45)
        #expect(NodeCommand.parseDuration("0s") == nil)
        #expect(NodeCommand.parseDuration("-5m") == nil)
        #expect(NodeCommand.parseDuration("999999999999d") == nil)
        #expect(NodeCommand.parseDuration("400d") == nil)
        #expect(NodeCommand.parseDuration("h") == nil)
    }
}
