import ArgumentParser
import Foundation
import OpsbookKit

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Build, serve the site on 127.0.0.1, rebuild on change.")
    @OptionGroup var common: CommonOptions
    @Option(name: .long) var port: Int = 8000
    func run() async throws {
        throw ExitStatus.usage("serve is not implemented yet; run `opsbook build` and `python3 -m http.server -d site \(port)`")
    }
}
