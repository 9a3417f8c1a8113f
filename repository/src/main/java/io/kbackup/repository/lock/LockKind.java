package io.kbackup.repository.lock;

/**
 * How a command holds a repository. Commands that add objects or only read share it; commands that
 * delete objects hold it alone, so they never remove data a running backup is about to commit.
 */
public enum LockKind {
  SHARED("shared"),
  EXCLUSIVE("exclusive");

  private final String label;

  LockKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
