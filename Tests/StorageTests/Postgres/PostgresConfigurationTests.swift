import Testing
@testable import Storage

@Suite struct PostgresConfigurationTests {
    @Test func parsesAFullURL() throws {
        let configuration = try PostgresConfiguration(
            url: "postgres://app:s%40cret%20pw@db.internal:6543/coord?sslmode=require&pool_size=7"
                + "&acquire_timeout_ms=250&connect_timeout=3&statement_timeout_ms=1500&application_name=node-a")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.user == "app")
        #expect(configuration.password == "s@cret pw")
        #expect(configuration.database == "coord")
        #expect(configuration.tlsMode == .require)
        #expect(configuration.poolSize == 7)
        #expect(configuration.acquireTimeout == .milliseconds(250))
        #expect(configuration.connectTimeout == .seconds(3))
        #expect(configuration.statementTimeout == .milliseconds(1500))
        #expect(configuration.applicationName == "node-a")
    }

    @Test func acceptsPostgresqlSchemeAndDefaults() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://localhost")
        #expect(configuration.host == "localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.user == "postgres")
        #expect(configuration.password == nil)
        #expect(configuration.database == "postgres")
        #expect(configuration.statementTimeout == nil)
    }

    @Test func acceptsIPv6AndSocketDirectory() throws {
        #expect(try PostgresConfiguration(url: "postgres://u@[::1]:5433/db").host == "::1")
        #expect(try PostgresConfiguration(url: "postgres://u@localhost/db?host=/tmp/pg").host == "/tmp/pg")
    }

    @Test(arguments: [
        "",
        "not a url",
        "mysql://u@h/db",
        "http://u@h/db",
        "postgres://",
        "postgres://u@h:99999/db",
        "postgres://u@h:0/db",
        "postgres://u@h:port/db",
        "postgres://u@h/db/extra",
        "postgres://u@h/db?sslmode=maybe",
        "postgres://u@h/db?pool_size=0",
        "postgres://u@h/db?pool_size=lots",
        "postgres://u@h/db?statement_timeout_ms=-5",
        "postgres://u@h/db?unknown=1",
        "postgres://u:p%00w@h/db",
        "postgres://u@h/db#frag",
    ])
    func rejectsMalformedURLs(url: String) {
        #expect {
            try PostgresConfiguration(url: url)
        } throws: { error in
            (error as? PostgresError)?.code == .invalidURL
        }
    }

    @Test func passesValuesAsKeywordsNotConninfo() throws {
        let configuration = try PostgresConfiguration(url: "postgres://u:a%27%20host%3Devil@h/db")
        let parameters = Dictionary(configuration.libpqParameters, uniquingKeysWith: { first, _ in first })
        #expect(parameters["password"] == "a' host=evil")
        #expect(parameters["host"] == "h")
    }

    @Test func errorDescriptionStaysGeneric() {
        let error = PostgresError(code: .server, sqlState: "23505", message: "duplicate key secret", detail: "Key (x)=(1)")
        #expect(error.description == "PostgresError(server)")
        #expect(!error.description.contains("secret"))
        #expect(error.logDescription.contains("23505"))
        #expect(error.logDescription.contains("Key (x)=(1)"))
        #expect(error.isUniqueViolation)
    }
}

@Suite struct PostgresConfigurationLoggingTests {
    @Test func descriptionNeverShowsThePassword() throws {
        let configuration = try PostgresConfiguration(url: "postgres://app:hunter2@db:5432/coord")
        #expect(!"\(configuration)".contains("hunter2"))
        #expect(!String(reflecting: configuration).contains("hunter2"))
        #expect("\(configuration)".contains("app:***@db:5432/coord"))
    }
}
