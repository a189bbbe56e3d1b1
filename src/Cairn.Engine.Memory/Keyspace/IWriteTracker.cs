namespace Cairn.Engine.Memory.Keyspace;

/// <summary>
/// Told before a key's value is replaced, removed or mutated while a point-in-time snapshot runs, so the snapshot can
/// save the old value first (copy-on-write at key granularity), and when a slot gets a key created after the snapshot began.
/// </summary>
public interface IWriteTracker
{
    void BeforeChange(Database database, int slot);

    void BeforeClear(Database database);

    void OnCreated(Database database, int slot);
}
