package io.f2c.training;

/**
 * One row of the Dynamic Class Pool as the streaming job keeps it in RocksDB: the identity it holds
 * (null for a row never used), its toggle, when it was last used (the LRU order is the order of
 * these stamps) and both slots' features (slot 0 then slot 1). A Flink POJO.
 */
public class PoolRow {
  public int row;
  public String identity;
  public int toggle;
  public long lastUsed;
  public float[] features;

  public PoolRow() {}

  public PoolRow(int row, String identity, int toggle, long lastUsed, float[] features) {
    this.row = row;
    this.identity = identity;
    this.toggle = toggle;
    this.lastUsed = lastUsed;
    this.features = features;
  }
}
