import Foundation
import OpsbookKit

// One fuzz binary for every entry point; `OPSBOOK_FUZZ_TARGET` picks one (Makefile: `make fuzz`).
// Built with OPSBOOK_FUZZ=1 (libFuzzer coverage, AddressSanitizer, `FUZZING`), `main` hands
// over to libFuzzer's driver; built plainly (as `swift build` does), it replays the files given
// as arguments through the same entry point.

let fuzzTarget = ProcessInfo.processInfo.environment["OPSBOOK_FUZZ_TARGET"] ?? "loader"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { FuzzEntryPoints.run(fuzzTarget, Data()); return 0 }
    FuzzEntryPoints.run(fuzzTarget, Data(bytes: bytes, count: count))
    return 0
}

#if FUZZING
// SwiftPM renames an executable's `main`; libFuzzer's own `main` is then never linked, so we
// start its driver ourselves.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main
struct FuzzDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzOne($0, $1) }))
    }
}
#else
@main
struct ReplayInputs {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            FuzzEntryPoints.run(fuzzTarget, try Data(contentsOf: URL(fileURLWithPath: path)))
            print("ok \(path)")
        }
    }
}
#endif
