/// The FerryVCard target. See docs/ARCHITECTURE.md for what it holds.
public enum FerryVCardModule {
  public static let name = "FerryVCard"
}
