// swift-tools-version:6.2
import PackageDescription

// The engine (Sources/) knows nothing of any destination; each adapter (adapters/) knows nothing of the
// store; the mocks (mocks/) are product features, run by `civgate mock NAME`.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "civgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "civgate", targets: ["civgate"])
    ],
    dependencies: [
        .package(
            url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
    ],
    targets: [
        // libxml2, for XML parsing with entities and network access off, and XSD validation.
        .systemLibrary(
            name: "CXML2",
            path: "Sources/CXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "CivgateXML", dependencies: ["CXML2"], swiftSettings: strict),
        // The agreements as files, shipped as resources: JSON Schema, OpenAPI, XSD, golden messages.
        .target(
            name: "CivgateContracts",
            path: "contracts",
            exclude: ["README.md"],
            sources: ["ContractFiles.swift"],
            resources: [.copy("records"), .copy("api"), .copy("population"), .copy("insurance")],
            swiftSettings: strict
        ),
        // Domain model, normalisation, validation and the adapter protocol: what adapters may see.
        .target(name: "CivgateModel", dependencies: ["CivgateContracts"], swiftSettings: strict),
        // Store, dispatcher, HTTP server, configuration.
        .target(
            name: "CivgateEngine",
            dependencies: [
                "CivgateModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for binding the writer's hottest inserts directly (`StatementRun`).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PopulationAdapter",
            dependencies: ["CivgateModel", "CivgateXML"],
            path: "adapters/population",
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "InsuranceAdapter",
            dependencies: ["CivgateModel"],
            path: "adapters/insurance",
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        // Fault injection shared by the mocks: error rates, latency, black holes, resets, lost replies.
        .target(
            name: "MockFaults",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "mocks/faults",
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "InsuranceMock",
            dependencies: [
                "CivgateModel", "CivgateContracts", "MockFaults",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "mocks/insurance",
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "PopulationMock",
            dependencies: [
                "CivgateModel", "CivgateXML", "CivgateContracts", "MockFaults",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "mocks/population",
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "civgate",
            dependencies: [
                "CivgateEngine", "PopulationAdapter", "PopulationMock", "InsuranceAdapter", "InsuranceMock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CivgateTests",
            dependencies: [
                "CivgateEngine", "PopulationAdapter", "PopulationMock", "InsuranceAdapter", "InsuranceMock",
                "MockFaults",
                "CivgateXML", "CivgateContracts",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Golden", "Fixtures"],
            swiftSettings: strict
        ),
    ]
)
