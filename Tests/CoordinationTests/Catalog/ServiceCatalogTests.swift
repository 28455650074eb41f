import Foundation
import Testing
@testable import Coordination

@Suite struct ServiceCatalogTests {
    @Test func defaultsMatchTheContract() throws {
        let stripe = try #require(ServiceCatalog.defaults["stripe"])
        #expect(stripe.maxBatchSize == 100)
        #expect(stripe.flushAtCostMicros == 50_000)
        #expect(stripe.monthlyBudgetMicros == 50_000_000)
        let airtable = try #require(ServiceCatalog.defaults["airtable"])
        #expect(airtable.dailyLimitMicros == 1_200_000)
        #expect(airtable.burstPerSecond == 5)
        for name in ServiceCatalog.defaults.names {
            #expect(ServiceCatalog.defaults[name]?.validationProblem() == nil)
        }
    }

    @Test func newServiceMustBeComplete() {
        #expect(throws: CatalogError.self) {
            try ServiceCatalog.defaults.applying(overridesJSON: Data(#"{"newsvc": {"maxBatchSize": 3}}"#.utf8))
        }
    }

    @Test func invalidValuesAreRefused() {
        #expect(throws: CatalogError.self) {
            try ServiceCatalog.defaults.applying(overridesJSON: Data(#"{"stripe": {"maxBatchSize": 0}}"#.utf8))
        }
        #expect(throws: CatalogError.self) {
            try ServiceCatalog.defaults.applying(overridesJSON: Data(#"["not", "an", "object"]"#.utf8))
        }
        #expect(throws: CatalogError.self) {
            try ServiceCatalog.defaults.applying(overridesJSON: Data(#"{"stripe": {"maxWaitMs": "soon"}}"#.utf8))
        }
    }
}
