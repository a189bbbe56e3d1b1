using Cairn.Primitives;

namespace Cairn.Engine.Memory.Streams;

/// <summary>
/// Reads the entries of one decoded stream listpack (t_stream.c's node layout, as streamValidateListpackIntegrity
/// checks it). The master entry:
///
///     count | deleted | master-field-count | master fields... | 0
///
/// then count + deleted entries, each
///
///     flags | ms-diff | seq-diff | [field-count | fields and values interleaved] or [values of the master fields] | lp-count
///
/// where flags bit 1 marks a deleted entry and bit 2 SAMEFIELDS (the master's fields, only values stored), the ID is
/// the master ID plus the diffs (64-bit wrapping, as Redis adds them), and lp-count is the number of elements before
/// it in the entry. Elements come from <see cref="Persistence.Rdb.ListpackDecoder"/> (integers as decimal text).
/// Not thread-safe; one pass.
/// </summary>
internal sealed class StreamListpackNode
{
    private const long FlagDeleted = 1;
    private const long FlagSameFields = 2;

    private readonly StreamId _master;
    private readonly List<byte[]> _elements;
    private readonly int _masterFieldsStart;
    private readonly int _masterFieldCount;
    private readonly long _live;
    private readonly long _deleted;
    private long _liveSeen;
    private long _deletedSeen;
    private int _next;

    public StreamListpackNode(StreamId master, List<byte[]> elements)
    {
        _master = master;
        _elements = elements;
        // Each entry takes at least five elements, so counts beyond the element count are corrupt (and bounded).
        if (!TryInteger(out _live) || _live < 0 || _live > elements.Count
            || !TryInteger(out _deleted) || _deleted < 0 || _deleted > elements.Count
            || !TryInteger(out long fields) || fields < 0 || fields > _elements.Count - _next)
        {
            Error = "invalid stream listpack master entry";
            return;
        }
        _masterFieldCount = (int)fields;
        _masterFieldsStart = _next;
        _next += _masterFieldCount;
        if (!TryInteger(out long zero) || zero != 0)
        {
            Error = "stream listpack master entry is not terminated by 0";
        }
    }

    /// <summary>Why the node is invalid; null while it is valid.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// The next entry (live or deleted); false at the end of the node or when it is invalid (<see cref="Error"/> set).
    /// At the end, checks that the master entry's counts match the entries found and nothing follows them.
    /// </summary>
    public bool TryReadEntry(out StreamEntry entry, out bool deleted)
    {
        entry = default;
        deleted = false;
        if (Error is not null)
        {
            return false;
        }
        if (_liveSeen + _deletedSeen == _live + _deleted)
        {
            if (_next != _elements.Count)
            {
                Error = "stream listpack has elements after its last entry";
            }
            return false;
        }
        if (!TryInteger(out long flags) || (flags & ~(FlagDeleted | FlagSameFields)) != 0
            || !TryInteger(out long millisecondsDiff) || !TryInteger(out long sequenceDiff))
        {
            return Fail("invalid stream listpack entry header");
        }
        long fieldCount = _masterFieldCount;
        long expectedLpCount = 3;
        int namesStart = _masterFieldsStart;
        bool sameFields = (flags & FlagSameFields) != 0;
        if (!sameFields)
        {
            // Bounded by the elements before doubling, so a huge count cannot overflow past the length check below.
            if (!TryInteger(out fieldCount) || fieldCount < 0 || fieldCount > _elements.Count)
            {
                return Fail("invalid stream listpack entry field count");
            }
            expectedLpCount += fieldCount + 1;
        }
        long itemCount = sameFields ? fieldCount : 2 * fieldCount;
        if (itemCount > _elements.Count - _next)
        {
            return Fail("stream listpack entry runs past the end of its node");
        }
        if (fieldCount == 0)
        {
            return Fail("stream listpack entry without fields");
        }
        var fieldsAndValues = new byte[2 * fieldCount][];
        for (int i = 0; i < fieldCount; i++)
        {
            if (sameFields)
            {
                fieldsAndValues[2 * i] = _elements[namesStart + i];
                fieldsAndValues[2 * i + 1] = _elements[_next++];
            }
            else
            {
                fieldsAndValues[2 * i] = _elements[_next++];
                fieldsAndValues[2 * i + 1] = _elements[_next++];
            }
        }
        expectedLpCount += fieldCount;
        if (!TryInteger(out long lpCount) || lpCount != expectedLpCount)
        {
            return Fail("stream listpack entry has a wrong lp-count");
        }
        deleted = (flags & FlagDeleted) != 0;
        if (deleted ? ++_deletedSeen > _deleted : ++_liveSeen > _live)
        {
            return Fail("stream listpack holds more entries than its master entry counts");
        }
        var id = new StreamId(
            unchecked(_master.Milliseconds + (ulong)millisecondsDiff), unchecked(_master.Sequence + (ulong)sequenceDiff));
        entry = new StreamEntry(id, fieldsAndValues);
        return true;
    }

    private bool Fail(string reason)
    {
        Error = reason;
        return false;
    }

    private bool TryInteger(out long value)
    {
        value = 0;
        return _next < _elements.Count && IntegerText.TryParse(_elements[_next++], out value);
    }
}
