// swift-tools-version:6.1
import PackageDescription

// The dependency graph (docs/ARCHITECTURE.md): FerryModel is the hub; every format target
// needs only the model (plus the shared syntax or time layers); Ferry holds the registry;
// only the `ferry` executable uses ArgumentParser.
let package = Package(
  name: "ferry",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "ferry", targets: ["ferry"]),
    .library(name: "Ferry", targets: ["Ferry"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    .target(name: "FerryModel"),
    .target(name: "FerryTime", dependencies: ["FerryModel"]),
    .target(name: "FerryContentLines", dependencies: ["FerryModel"]),
    .target(name: "FerryYAML", dependencies: ["FerryModel", "Yams"]),
    .target(name: "FerryCSV", dependencies: ["FerryModel", "FerryTime", "FerryYAML", "Yams"]),
    .target(name: "FerryVCard", dependencies: ["FerryModel", "FerryContentLines"]),
    .target(name: "FerryICalendar", dependencies: ["FerryModel", "FerryContentLines", "FerryTime"]),
    .systemLibrary(
      name: "CLibXML2", pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]),
    .target(name: "FerryEWS", dependencies: ["FerryModel", "FerryTime", "CLibXML2"]),
    .target(name: "FerryGraph", dependencies: ["FerryModel", "FerryTime"]),
    .target(
      name: "FerryMatch",
      dependencies: [
        "FerryModel", "FerryTime", "FerryYAML", "Yams",
      ]),
    .target(
      name: "FerryPush",
      dependencies: [
        "FerryModel", "FerryMatch", "FerryTime", "FerryYAML", "Yams",
        .product(name: "GRDB", package: "GRDB.swift"),
        // The SQLite C API, for binding the ledger's upserts without boxing each value.
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]),
    .target(
      name: "Ferry",
      dependencies: [
        "FerryModel", "FerryTime", "FerryContentLines", "FerryCSV", "FerryVCard", "FerryICalendar",
        "FerryEWS", "FerryGraph", "FerryMatch", "FerryPush",
      ]),
    .executableTarget(
      name: "ferry",
      dependencies: ["Ferry", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    .target(name: "FerryTestSupport", dependencies: ["Ferry"]),
    .testTarget(name: "FerryModelTests", dependencies: ["FerryModel", "FerryTestSupport"]),
    .testTarget(name: "FerryTimeTests", dependencies: ["FerryTime", "FerryTestSupport"]),
    .testTarget(name: "FerryContentLinesTests", dependencies: ["FerryContentLines", "FerryTestSupport"]),
    .testTarget(name: "FerryCSVTests", dependencies: ["FerryCSV", "FerryTestSupport"]),
    .testTarget(name: "FerryVCardTests", dependencies: ["FerryVCard", "FerryTestSupport"]),
    .testTarget(name: "FerryICalendarTests", dependencies: ["FerryICalendar", "FerryTestSupport"]),
    .testTarget(name: "FerryEWSTests", dependencies: ["FerryEWS", "FerryTestSupport"]),
    .testTarget(name: "FerryGraphTests", dependencies: ["FerryGraph", "FerryTestSupport"]),
    .testTarget(name: "FerryMatchTests", dependencies: ["FerryMatch", "FerryTestSupport"]),
    .testTarget(name: "FerryPushTests", dependencies: ["FerryPush", "FerryTestSupport"]),
    .testTarget(name: "FerryTests", dependencies: ["Ferry", "FerryTestSupport"]),
    .testTarget(name: "FerryCLITests", dependencies: ["ferry", "FerryTestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
