import ArgumentParser
import FerryModel
import Foundation

@main
struct FerryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ferry",
    abstract: "Move contacts and calendars from a CRM into Outlook, Exchange and Google.",
    discussion: prose("""
      Every format reads into one canonical model and writes out of it. Formats are named
      NAME[:VARIANT], for example csv:outlook, vcard:3.0, ics, ews, graph, ndjson.

      Exit status: 0 success; 1 data errors (or warnings under --strict), or an input that
      cannot be read; 2 usage errors (an output path that cannot be written among them);
      128 + signal when interrupted; 141 when the reader of standard output went away.

      Examples:
        ferry convert export.csv --to csv:outlook -o outlook.csv
        ferry inspect contacts.vcf
        ferry formats
        ferry push --config sync.yaml
      """),
    version: "0.1.0",
    subcommands: [Convert.self, Inspect.self, Formats.self, Dedupe.self, Push.self, Explain.self]
  )

  /// Runs the command with ferry's documented exit codes: ArgumentParser reports usage
  /// errors as 64 (EX_USAGE); ferry promises 2.
  static func main() {
    // Ctrl-C, kill or a closed terminal must not leave `.name.ferry-XXXXXX` files behind.
    // First, before anything opens a descriptor that could take a closed 1 or 2.
    StandardStreams.holdClosedDescriptors()
    StandardStreams.ignoreBrokenPipeSignal()
    let signalSources = Interruption.install()
    defer { withExtendedLifetime(signalSources) {} }
    var command: any ParsableCommand
    do {
      command = try parseAsRoot()
    } catch {
      finish(with: error, message: fullMessage(for: error))
    }
    if command is FerryCommand {
      // `ferry` alone is a usage mistake in a script (a variable that expanded to nothing):
      // the help goes to standard error and the status is 2, as for any other usage error.
      // `ferry --help` still prints it on standard output with status 0.
      StandardStreams.error(helpMessage() + "\n")
      Foundation.exit(2)
    }
    do {
      try command.run()
      waitIfInterrupted()
      // `print` buffers: a full or closed standard output shows only now.
      if let failure = StandardStreams.finishOutput() {
        StandardStreams.error(failure + "\n")
        Foundation.exit(1)
      }
    } catch let error as FerryError {
      // A problem of the data or a file (standard output full, a clusters file that cannot be
      // created): its own compiler-style message, not ArgumentParser's "Error: " before it.
      waitIfInterrupted()
      StandardStreams.exitIfBrokenPipe(error)
      StandardStreams.error(error.description + "\n")
      Foundation.exit(error.kind == .usage ? 2 : 1)
    } catch {
      waitIfInterrupted()
      // A mistake found while running (an unknown format in -o's extension): the message and
      // where to read about the subcommand, not the root's usage.
      var message = fullMessage(for: error)
      if exitCode(for: error) == .validationFailure {
        // `configuration.commandName` is nil for most subcommands (the name comes from the type).
        let name = type(of: command)._commandName
        message = "Error: \(self.message(for: error))\n  See 'ferry \(name) --help' for more information."
      }
      finish(with: error, message: message)
    }
  }

  /// A signal arrived while the command ran: its handler is removing the unfinished files and
  /// exits with 128 + signal. Exiting here with the command's own status (an "interrupted"
  /// error from a file that could not be created) would race it, so this thread waits.
  private static func waitIfInterrupted() {
    guard TemporaryFiles.shared.isTerminating else { return }
    while true { sleep(1) }
  }

  private static func finish(with error: any Error, message: String) -> Never {
    let code = exitCode(for: error)
    if !message.isEmpty {
      if code == .success {
        // --help, --version: on standard output, which must take it.
        do { try StandardStreams.output(message + "\n") } catch {
          StandardStreams.error("\(error)\n")
          Foundation.exit(1)
        }
      } else {
        StandardStreams.error(message + "\n")
      }
    }
    if let failure = StandardStreams.finishOutput() {
      StandardStreams.error(failure + "\n")
      Foundation.exit(code == .success ? 1 : (code == .validationFailure ? 2 : code.rawValue))
    }
    if code == .validationFailure { Foundation.exit(2) }
    Foundation.exit(code.rawValue)
  }
}
