import XCTest
@testable import OpsbookKit

/// Every input a fuzz target ever crashed or hung on (`Fuzz/regressions/<target>/`), and the
/// seeds, go through the same entry points as `make fuzz`: a fixed finding stays fixed.
final class FuzzRegressionTests: XCTestCase {
    private let fuzz = TestSupport.packageRoot.appendingPathComponent("Fuzz")

    func testEveryKeptInputStillEnds() throws {
        var fed = 0
        for target in FuzzEntryPoints.names {
            for folder in ["regressions", "seeds"] {
                let dir = fuzz.appendingPathComponent(folder).appendingPathComponent(target)
                let files = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
                for file in files.sorted(by: { $0.path < $1.path }) where !file.lastPathComponent.hasPrefix(".") {
                    FuzzEntryPoints.run(target, try Data(contentsOf: file))
                    fed += 1
                }
            }
        }
        XCTAssertGreaterThanOrEqual(fed, FuzzEntryPoints.names.count, "every target has at least a seed")
    }
}
