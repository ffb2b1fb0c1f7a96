/// The FerryPush target. See docs/ARCHITECTURE.md for what it holds.
public enum FerryPushModule {
  public static let name = "FerryPush"
}
