import Testing
@testable import Storage

@Suite struct RedisConfigurationTests {
    @Test func parsesFullURL() throws {
        let configuration = try RedisConfiguration(url: "redis://alice:s%40cret@redis.local:6380/3")
        #expect(configuration.host == "redis.local")
        #expect(configuration.port == 6380)
        #expect(configuration.user == "alice")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == 3)
        #expect(!configuration.redactedDescription.contains("cret"))
    }

    @Test func parsesDefaultsAndPasswordOnlyForms() throws {
        let plain = try RedisConfiguration(url: "redis://127.0.0.1")
        #expect(plain.port == 6379 && plain.database == 0 && plain.password == nil && plain.user == nil)
        let colon = try RedisConfiguration(url: "redis://:pw@h:1/")
        #expect(colon.user == nil && colon.password == "pw" && colon.port == 1)
        let lone = try RedisConfiguration(url: "redis://pw@h")
        #expect(lone.user == nil && lone.password == "pw")
        let ipv6 = try RedisConfiguration(url: "redis://[::1]:7000")
        #expect(ipv6.host == "::1" && ipv6.port == 7000)
    }

    @Test(arguments: [
        ("http://h:1", "redis://"),
        ("redis://", "missing host"),
        ("redis://h:0", "port"),
        ("redis://h:70000", "port"),
        ("redis://h:abc", "port"),
        ("redis://h:1/x", "database"),
        ("redis://h:1/-1", "database"),
        ("redis://u:@h", "empty password"),
        ("redis://u:%zz@h", "percent"),
        ("redis://h?db=1", "query"),
        ("redis://h h:1", "invalid characters"),
        ("redis://[::1", "IPv6"),
    ])
    func rejectsMalformedURLs(_ url: String, _ reason: String) {
        do {
            _ = try RedisConfiguration(url: url)
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.code == .invalidURL)
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test func backoffGrowsIsCappedAndJittered() {
        let backoff = RedisBackoff(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0.5)
        #expect(backoff.delay(attempt: 0, unit: 0) == .milliseconds(100))
        #expect(backoff.delay(attempt: 2, unit: 0) == .milliseconds(400))
        #expect(backoff.delay(attempt: 10, unit: 0) == .seconds(1))
        #expect(backoff.delay(attempt: 10, unit: 1) == .milliseconds(500))
        #expect(backoff.delay(attempt: 1_000_000, unit: 0.5) == .milliseconds(750))
    }

    /// Replies in this system are small; a per-connection buffer bound of 512 MiB was a memory
    /// exhaustion risk, 32 MiB is ample (see `maxReplyBytes`).
    @Test func replyLimitsDefaultToWhatThisSystemNeeds() throws {
        #expect(RedisConfiguration().maxReplyBytes == 32 << 20)
        #expect(try RedisConfiguration(url: "redis://h").maxReplyBytes == 32 << 20)
        #expect(RedisReplyReader.Limits().maxBufferedBytes == 32 << 20)
    }
}
