/// The FerryICalendar target. See docs/ARCHITECTURE.md for what it holds.
public enum FerryICalendarModule {
  public static let name = "FerryICalendar"
}
