/// The FerryCSV target. See docs/ARCHITECTURE.md for what it holds.
public enum FerryCSVModule {
  public static let name = "FerryCSV"
}
