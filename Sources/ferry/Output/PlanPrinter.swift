import Ferry
import FerryModel
import FerryPush

/// Renders a push plan for people: the listing (`--dry-run`) and the summary per rep.
enum PlanPrinter {
  /// One line per planned action, unchanged ones left out, in the plan's stable order.
  static func listing(_ plan: PushPlan) -> String {
    var out = ""
    for e in plan.entries where e.action != .unchanged {
      let action = e.action.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
      out += "\(action)\(e.kind.rawValue) \(e.crmId.isEmpty ? "-" : e.crmId) \"\(e.name)\" → \(e.rep ?? "-"): \(e.reason)\n"
    }
    return out
  }

  static func counts(_ c: PushCounts) -> String {
    "\(c.create) create, \(c.update) update, \(c.delete) delete, \(c.unchanged) unchanged, \(c.skipped) skipped"
  }

  static func summary(_ plan: PushPlan, applied: ApplyResult, run: PushRun, dryRun: Bool) -> String {
    var out = ""
    // A kind `objects` leaves out may have a target for deletes only: not named here.
    let targets = RecordKind.allCases.filter { run.settings.objects.includes($0) }.compactMap { k in
      run.targets[k].map { "\(k.rawValue)s → \($0.key)" }
    }
    out += "ferry push\(dryRun ? " (dry run)" : ""): run \(plan.runId), \(targets.joined(separator: ", "))"
    out += run.settings.invitations ? "; invitations on\n" : "; no invitations sent\n"
    for rep in plan.reps {
      let c = plan.perRep[rep.folder] ?? PushCounts()
      out += "rep \(rep.folder)\(rep.name.map { " (\($0))" } ?? ""): \(counts(c))\n"
      for (reason, n) in (plan.skippedReasons[rep.folder] ?? [:]).sorted(by: { $0.key < $1.key }) {
        out += "  skipped \(n): \(reason)\n"
      }
      for u in plan.unresolved where u.rep == rep.folder {
        out += "  unresolved attendee \"\(u.attendee)\" of event \(u.eventId): \(u.reason)\n"
      }
      if let denied = plan.deniedFields[rep.folder], !denied.isEmpty {
        out += "  deny_fields removed: " + denied.sorted(by: { $0.key < $1.key }).map { "\($0.key) ×\($0.value)" }.joined(separator: ", ") + "\n"
      }
      let stale = plan.providerChanges.filter { $0.rep == rep.folder && $0.stale }
      if let last = stale.map(\.lastRun).max() {
        out += "  mailbox export older than run \(last): \(stale.count) item\(stale.count == 1 ? "" : "s") as before ferry's last push, not counted as changed in the mailbox\n"
      }
      for change in plan.providerChanges where change.rep == rep.folder && !change.stale {
        if change.missing {
          out += "  missing from the mailbox export (deleted there, or never imported; pushed in run \(change.lastRun)), left so: \(change.crmId) \"\(change.name)\"\n"
        } else {
          out += "  changed in the mailbox since run \(change.lastRun), overwritten: \(change.crmId) \"\(change.name)\"\n"
        }
      }
      for file in applied.files[rep.folder] ?? [] { out += "  wrote \(file)\n" }
    }
    if let other = plan.skippedReasons[""], !other.isEmpty {
      for (reason, n) in other.sorted(by: { $0.key < $1.key }) { out += "not synced \(n): \(reason)\n" }
    }
    out += "total: \(counts(plan.totals))\n"
    if plan.isEmpty && plan.unaddressable.isEmpty { out += "nothing to do\n" }
    return out
  }
}
