using System.Buffers;
using Cairn.Consensus.Codec;
using Cairn.Primitives;

namespace Cairn.Consensus.KeyValue;

/// <summary>
/// The smallest useful replicated state machine: a byte-keyed map that applies committed <see cref="KeyValueCommand"/> entries in
/// log order, snapshots to bytes and restores from them. Not thread-safe.
/// </summary>
/// <remarks>
/// Invariants: <see cref="AppliedIndex"/> only increases; entries are applied at exactly AppliedIndex + 1 (gaps or repeats are
/// bugs in the host). Entries whose data is not a command (leader no-ops, membership changes) advance the index only.
/// </remarks>
public sealed class KeyValueStateMachine
{
    private const byte SnapshotVersion = 1;
    private readonly Dictionary<byte[], byte[]> _values = new(ByteArrayComparer.Instance);

    public ulong AppliedIndex { get; private set; }

    public int Count => _values.Count;

    public void Apply(Entry entry)
    {
        Invariant.Require(entry.Index == AppliedIndex + 1, "entries apply in log order without gaps");
        AppliedIndex = entry.Index;
        if (entry.Type != EntryType.Normal || entry.Data.Length == 0)
        {
            return;
        }
        bool decoded = KeyValueCommand.TryDecode(entry.Data, out var command);
        Invariant.Require(decoded && command is not null, "committed normal entries are key-value commands");
        switch (command.Operation)
        {
            case KeyValueOperation.Put:
                _values[command.Key] = command.Value;
                break;
            case KeyValueOperation.Delete:
                _values.Remove(command.Key);
                break;
        }
    }

    public bool TryGet(ReadOnlySpan<byte> key, out byte[]? value)
    {
        var lookup = _values.GetAlternateLookup<ReadOnlySpan<byte>>();
        return lookup.TryGetValue(key, out value);
    }

    /// <summary>Serializes the map (keys sorted, so equal maps give equal bytes) with a version byte.</summary>
    public byte[] TakeSnapshot()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new PayloadWriter(buffer);
        writer.Byte(SnapshotVersion);
        writer.Varint(AppliedIndex);
        writer.Varint((ulong)_values.Count);
        foreach (var key in _values.Keys.Order(Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))))
        {
            writer.Bytes(key);
            writer.Bytes(_values[key]);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public void Restore(byte[] snapshot, ulong index)
    {
        _values.Clear();
        AppliedIndex = index;
        if (snapshot.Length == 0)
        {
            // The bootstrap snapshot (index 0) carries no application state.
            Invariant.Require(index == 0, "only the bootstrap snapshot is empty");
            return;
        }
        var reader = new PayloadReader(snapshot);
        Invariant.Require(reader.Byte() == SnapshotVersion, "known snapshot version");
        Invariant.Require(reader.Varint() == index, "snapshot taken at the index it is installed at");
        ulong count = reader.Varint();
        for (ulong i = 0; i < count; i++)
        {
            byte[] key = reader.Bytes(KeyValueCommand.MaxKeyBytes);
            _values[key] = reader.Bytes(KeyValueCommand.MaxValueBytes);
        }
        Invariant.Require(!reader.Failed && reader.AtEnd, "well-formed snapshot");
    }
}
