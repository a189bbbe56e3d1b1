using System.Buffers;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// The string keys of one range of a database's slots whose references a snapshot's walk took under the store lock, to
/// encode (key, value, CRC) after releasing it. A string value is an array the walk can read without copying, as long as
/// no write changes it in place (SET of an equal length, SETRANGE, APPEND into spare room) while the walk reads it, and
/// every such write first calls the snapshot's hook under the store lock (<see cref="Keyspace.IWriteTracker"/>).
/// So each captured key has a claim, taken once: the walk thread takes it to encode the key (Free, Encoding, Saved), or a
/// write hook takes it (Free, Saved) and saves the key itself before its write goes ahead; a hook that finds the walk
/// encoding the key waits for it (one key's encoding, well under a microsecond). Either way the key's value at the
/// snapshot's instant is written exactly once.
/// Thread safety: <see cref="Open"/>, <see cref="Add"/>, <see cref="Close"/>, <see cref="TrySaveForWriter"/> and
/// <see cref="SaveAllForWriter"/> run under the store lock; <see cref="EncodeAll"/> on the walk thread without it, between
/// <see cref="Open"/> and <see cref="Close"/> (the walk thread's own calls). Invariant: between Open and Close, a captured
/// key's arrays are unchanged until its claim is Saved.
/// </summary>
internal sealed class CapturedStrings
{
    private const int Free = 0;
    private const int Encoding = 1;
    private const int Saved = 2;

    private readonly Capture[] _captures;
    /// <summary>Per slot of the range: the index of its capture, or -1 for a slot with nothing captured.</summary>
    private readonly int[] _captureBySlot;
    private readonly int[] _claims;
    private int _count;
    private int _firstSlot;
    private int _slotCount;

    public CapturedStrings(int maximumSlots)
    {
        _captures = new Capture[maximumSlots];
        _captureBySlot = new int[maximumSlots];
        _claims = new int[maximumSlots];
    }

    /// <summary>The database of the open range, or -1 when none is open.</summary>
    public int Database { get; private set; } = -1;

    public int MaximumSlots => _captures.Length;

    /// <summary>Opens the range [firstSlot, firstSlot + slotCount) of a database. REQUIRES: the store lock; none open.</summary>
    public void Open(int database, int firstSlot, int slotCount)
    {
        Cairn.Primitives.Invariant.Require(Database < 0 && (uint)slotCount <= (uint)_captures.Length, "capture range already open or too long");
        Database = database;
        _firstSlot = firstSlot;
        _slotCount = slotCount;
        _count = 0;
        _captureBySlot.AsSpan(0, slotCount).Fill(-1);
    }

    /// <summary>Captures the string at a slot of the open range: its data array (the key, then the value when embedded),
    /// its own value array for a raw string, else null. REQUIRES: the store lock.</summary>
    public void Add(int slot, byte[] data, byte[]? raw, int keyLength, long expiresAtMilliseconds)
    {
        int index = _count++;
        _captures[index] = new Capture(data, raw, keyLength, expiresAtMilliseconds);
        _claims[index] = Free;
        _captureBySlot[slot - _firstSlot] = index;
    }

    /// <summary>Encodes every capture no hook has saved. On the walk thread, without the store lock. Returns the keys
    /// written.</summary>
    public int EncodeAll(ArrayBufferWriter<byte> output)
    {
        int written = 0;
        for (int i = 0; i < _count; i++)
        {
            if (Interlocked.CompareExchange(ref _claims[i], Encoding, Free) == Free)
            {
                Write(output, i);
                Volatile.Write(ref _claims[i], Saved);
                written++;
            }
        }
        return written;
    }

    /// <summary>
    /// A write hook for a slot of the open range: when the slot's key was captured and is not saved yet, saves it to
    /// <paramref name="output"/> and returns true; waits while the walk is encoding it. REQUIRES: the store lock.
    /// </summary>
    public bool TrySaveForWriter(int database, int slot, ArrayBufferWriter<byte> output)
    {
        int offset = slot - _firstSlot;
        if (database != Database || (uint)offset >= (uint)_slotCount)
        {
            return false;
        }
        int index = _captureBySlot[offset];
        return index >= 0 && SaveForWriter(index, output);
    }

    /// <summary>Saves every capture not saved yet (FLUSHDB, SWAPDB: the arrays are about to change owner or go). Returns
    /// the keys written. REQUIRES: the store lock.</summary>
    public int SaveAllForWriter(int database, ArrayBufferWriter<byte> output)
    {
        int written = 0;
        if (database == Database)
        {
            for (int i = 0; i < _count; i++)
            {
                written += SaveForWriter(i, output) ? 1 : 0;
            }
        }
        return written;
    }

    /// <summary>Ends the open range once the walk has encoded it. REQUIRES: the store lock.</summary>
    public void Close()
    {
        for (int i = 0; i < _count; i++)
        {
            Cairn.Primitives.Invariant.Require(_claims[i] == Saved, "capture range closed with a key not saved");
            _captures[i] = default; // drop the references: a removed key's arrays must not live on in the walk
        }
        _count = 0;
        Database = -1;
    }

    /// <summary>Drops the open range without saving it (the snapshot failed and is detached). REQUIRES: the store lock.</summary>
    public void Abandon()
    {
        Array.Clear(_captures);
        _count = 0;
        Database = -1;
    }

    private bool SaveForWriter(int index, ArrayBufferWriter<byte> output)
    {
        int claim = Interlocked.CompareExchange(ref _claims[index], Saved, Free);
        if (claim == Free)
        {
            Write(output, index);
            return true;
        }
        var spin = default(SpinWait);
        while (Volatile.Read(ref _claims[index]) == Encoding)
        {
            spin.SpinOnce();
        }
        return false;
    }

    private void Write(ArrayBufferWriter<byte> output, int index)
    {
        ref Capture capture = ref _captures[index];
        ReadOnlySpan<byte> key = capture.Data.AsSpan(0, capture.KeyLength);
        ReadOnlySpan<byte> value = capture.Raw ?? capture.Data.AsSpan(capture.KeyLength);
        SnapshotFormat.WriteStringKey(output, Database, key, capture.ExpiresAtMilliseconds, value);
    }

    private readonly record struct Capture(byte[] Data, byte[]? Raw, int KeyLength, long ExpiresAtMilliseconds);
}
