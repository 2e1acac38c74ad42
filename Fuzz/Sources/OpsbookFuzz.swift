import Foundation
import OpsbookKit

// One fuzz binary for every entry point; `OPSBOOK_FUZZ_TARGET` picks one (Makefile: `make fuzz`).
// Built with `-sanitize=fuzzer -DFUZZING`, libFuzzer supplies `main` and calls the function
// below; built plainly (as `swift build` does), it replays the files given as arguments.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let target = ProcessInfo.processInfo.environment["OPSBOOK_FUZZ_TARGET"] ?? "loader"
    FuzzEntryPoints.run(target, Data(bytes: bytes, count: count))
    return 0
}

#if !FUZZING
@main
struct ReplayInputs {
    static func main() throws {
        let target = ProcessInfo.processInfo.environment["OPSBOOK_FUZZ_TARGET"] ?? "loader"
        for path in CommandLine.arguments.dropFirst() {
            FuzzEntryPoints.run(target, try Data(contentsOf: URL(fileURLWithPath: path)))
            print("ok \(path)")
        }
    }
}
#endif
