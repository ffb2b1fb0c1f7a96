extension Event {
  /// The series as its pattern alone: no excluded dates, no changed occurrences. What EWS
  /// and Graph send for a series whose occurrences go out one by one after it.
  public var seriesPattern: Event {
    var e = self
    e.recurrence?.exceptionDates = []
    e.recurrence?.overrides = []
    return e
  }

  /// This override as a complete component: every detail it leaves unset is its master's.
  ///
  /// Sources that describe a changed occurrence by what changed (EWS `ModifiedOccurrences`,
  /// Graph exceptions, Outlook's CSV) give an override its times and little else, so in the
  /// model an unset field of an override means "as the series". RFC 5545 §3.8.4.4 reads a
  /// RECURRENCE-ID component as the whole instance instead, and a calendar that imports one
  /// without SUMMARY or CLASS shows an untitled, public occurrence: writers of such formats
  /// write `override.inheriting(from: master)`.
  ///
  /// Inherited: summary, description, location, privacy, busy status, status, organizer,
  /// attendees, reminders, categories, priority, URL and geo. The override's own times,
  /// recurrence id, UID, stamps and raw properties stay as they are.
  public func inheriting(from master: Event) -> Event {
    var o = self
    o.summary = summary ?? master.summary
    o.description = description ?? master.description
    o.location = location ?? master.location
    o.privacy = privacy ?? master.privacy
    o.busyStatus = busyStatus ?? master.busyStatus
    o.status = status ?? master.status
    o.organizer = organizer ?? master.organizer
    if attendees.isEmpty { o.attendees = master.attendees }
    // An alarm the override carries raw (a VALARM form the model cannot hold) is its own.
    if reminders.isEmpty, !rawComponents.contains(where: { $0.name == "VALARM" }) { o.reminders = master.reminders }
    if categories.isEmpty { o.categories = master.categories }
    o.priority = priority ?? master.priority
    o.url = url ?? master.url
    o.geo = geo ?? master.geo
    return o
  }
}
