import Foundation
import Storage
import Testing
import TestSupport

/// Every ```sql block of docs/analytics.md runs against the migrated test database: the examples
/// analysts copy keep working when a migration changes a table or a view.
@Suite struct AnalyticsDocQueriesTests {
    static func blocks() throws -> [String] {
        let text = try String(contentsOf: NodeProcess.repositoryRoot.appendingPathComponent("docs/analytics.md"), encoding: .utf8)
        return text.components(separatedBy: "```sql\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
    }

    @Test func everyExampleRuns() async throws {
        let blocks = try Self.blocks()
        #expect(blocks.count >= 10)
        let postgres = try await LedgerTestDatabase.client()
        defer { postgres.shutdown() }
        for block in blocks {
            do {
                _ = try await postgres.query(block)
            } catch {
                Issue.record("\(error)\n\(block)")
            }
        }
    }
}
