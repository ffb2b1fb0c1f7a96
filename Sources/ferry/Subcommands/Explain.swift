import ArgumentParser
import Ferry
import FerryModel
import FerryPush
import Foundation

extension FerryCommand {
  struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Say why a CRM record is in or out of the push, and what would happen to it.",
      discussion: prose("""
        Plans the push exactly as 'ferry push --dry-run' would, with the same settings and
        flags, and prints each step for one record: its rep, the settings it passes or fails,
        the ledger or mailbox item it matches, and the action. Writes nothing.

        Examples:
          ferry explain 003000000000001AAA --config sync.yaml
          ferry explain 00U000000000003 --config sync.yaml --private-events skip
        """))

    @Argument(help: "The CRM record id (15 or 18 characters for Salesforce).")
    var recordId: String

    @OptionGroup var options: PushOptions

    func run() throws {
      let printer = DiagnosticPrinter(strict: false, quiet: false)
      var run: PushRun
      do {
        (_, run) = try options.resolve()
      } catch let error as FerryError {
        throw usageFailure(error, printer: printer)
      }
      run.explainId = recordId
      let plan: PushPlan
      do {
        plan = try run.plan(diagnostics: printer.sink)
      } catch let error as FerryError {
        throw usageFailure(error, printer: printer)
      }
      guard !plan.explanation.isEmpty else {
        // A finding about the input, not the answer a script reads: standard error, status 1.
        StandardStreams.error("error: \(recordId): not in the CRM export and not in the ledger\n")
        throw ExitCode(1)
      }
      for line in plan.explanation { print(line) }
    }
  }
}
