// swift-tools-version:6.1
import PackageDescription

// The libFuzzer harness (`make fuzz`): a package of its own, so that the main package's
// builds never see -sanitize=fuzzer. Built by mk/fuzz.mk with
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
let package = Package(
  name: "ferry-fuzz",
  platforms: [.macOS(.v14)],
  dependencies: [.package(name: "ferry", path: "..")],
  targets: [
    .executableTarget(name: "FerryFuzz", dependencies: [.product(name: "Ferry", package: "ferry")])
  ],
  swiftLanguageModes: [.v6]
)
