using Cairn.Engine.Lsm.Iterators;
using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.RangeDeletes;
using Cairn.Primitives;

namespace Cairn.Engine.Lsm;

/// <summary>
/// A cursor over user keys in bytewise order, forward or reverse, as of one sequence number (LevelDB's <c>DBIter</c>):
/// shows the newest version of each key at or below the sequence, hides deleted keys (point and range tombstones), and stays
/// within the optional bounds and prefix. <see cref="Key"/> and <see cref="Value"/> are valid until the next move.
/// Thread safety: one thread at a time. Dispose it: it pins the files it reads.
/// </summary>
public sealed class LsmIterator : IDisposable
{
    private readonly IInternalIterator _inner;
    private readonly ulong _sequence;
    private readonly FragmentedRangeTombstones _tombstones;
    private readonly byte[]? _lower;
    private readonly byte[]? _upper;
    private readonly long _nowUnixMilliseconds;
    private readonly Action _release;
    private byte[] _savedKey = new byte[64];
    private int _savedKeyLength;
    private byte[] _savedValue = new byte[128];
    private int _savedValueLength;
    private bool _valid;
    private bool _forward = true;
    private bool _disposed;

    internal LsmIterator(IInternalIterator inner, ulong sequence, FragmentedRangeTombstones tombstones, byte[]? lower,
        byte[]? upper, long nowUnixMilliseconds, Action release)
    {
        _nowUnixMilliseconds = nowUnixMilliseconds;
        _inner = inner;
        _sequence = sequence;
        _tombstones = tombstones;
        _lower = lower;
        _upper = upper;
        _release = release;
    }

    public bool Valid => _valid;

    public ReadOnlySpan<byte> Key
    {
        get
        {
            Invariant.Require(_valid, "Key on a valid iterator");
            return _forward ? InternalKey.UserKey(_inner.Key) : _savedKey.AsSpan(0, _savedKeyLength);
        }
    }

    public ReadOnlySpan<byte> Value
    {
        get
        {
            Invariant.Require(_valid, "Value on a valid iterator");
            if (!_forward)
            {
                return _savedValue.AsSpan(0, _savedValueLength);
            }
            return InternalKey.Type(_inner.Key) == EntryType.ValueWithExpiry ? ExpiringValue.Value(_inner.Value) : _inner.Value;
        }
    }

    public void SeekToFirst()
    {
        if (_lower is not null)
        {
            Seek(_lower);
            return;
        }
        _forward = true;
        _inner.SeekToFirst();
        FindNextUserEntry(skipping: false);
        CheckUpper();
    }

    public void SeekToLast()
    {
        if (_upper is not null)
        {
            SeekBefore(_upper, inclusive: false);
            return;
        }
        _forward = false;
        _inner.SeekToLast();
        FindPrevUserEntry();
        CheckLower();
    }

    /// <summary>Positions at the first key &gt;= <paramref name="key"/>.</summary>
    public void Seek(ReadOnlySpan<byte> key)
    {
        if (_lower is not null && key.SequenceCompareTo(_lower) < 0)
        {
            key = _lower;
        }
        _forward = true;
        byte[] target = InternalKey.Create(key, _sequence, InternalKey.TypeForSeek);
        _inner.Seek(target);
        FindNextUserEntry(skipping: false);
        CheckUpper();
    }

    /// <summary>Positions at the last key &lt;= <paramref name="key"/>.</summary>
    public void SeekForPrev(ReadOnlySpan<byte> key)
    {
        if (_upper is not null && key.SequenceCompareTo(_upper) >= 0)
        {
            SeekBefore(_upper, inclusive: false);
            return;
        }
        SeekBefore(key, inclusive: true);
    }

    public void Next()
    {
        Invariant.Require(_valid, "Next on a valid iterator");
        if (!_forward)
        {
            // The inner cursor sits before this key's entries: step into them, then skip past them as usual.
            _forward = true;
            if (!_inner.Valid)
            {
                _inner.SeekToFirst();
            }
            else
            {
                _inner.Next();
            }
            if (!_inner.Valid)
            {
                _valid = false;
                return;
            }
        }
        else
        {
            SaveKey(InternalKey.UserKey(_inner.Key));
            _inner.Next();
            if (!_inner.Valid)
            {
                _valid = false;
                return;
            }
        }
        FindNextUserEntry(skipping: true);
        CheckUpper();
    }

    public void Prev()
    {
        Invariant.Require(_valid, "Prev on a valid iterator");
        if (_forward)
        {
            // Step back past every entry of the current key so that the reverse scan starts at the previous key.
            SaveKey(InternalKey.UserKey(_inner.Key));
            while (true)
            {
                _inner.Prev();
                if (!_inner.Valid)
                {
                    _valid = false;
                    _forward = true;
                    return;
                }
                if (InternalKey.UserKey(_inner.Key).SequenceCompareTo(SavedKey) < 0)
                {
                    break;
                }
            }
            _forward = false;
        }
        FindPrevUserEntry();
        CheckLower();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _inner.Dispose();
        _release();
    }

    private ReadOnlySpan<byte> SavedKey => _savedKey.AsSpan(0, _savedKeyLength);

    private void SeekBefore(ReadOnlySpan<byte> key, bool inclusive)
    {
        // (key, 0, Deletion) is the last internal key of user key `key`; (key, max) the first.
        byte[] target = inclusive
            ? InternalKey.Create(key, 0, EntryType.Deletion)
            : InternalKey.Create(key, InternalKey.MaxSequence, InternalKey.TypeForSeek);
        _inner.Seek(target);
        if (_inner.Valid)
        {
            if (inclusive && InternalKey.Compare(_inner.Key, target) == 0)
            {
                _inner.Next();
            }
            if (_inner.Valid)
            {
                _inner.Prev();
            }
            else
            {
                _inner.SeekToLast();
            }
        }
        else
        {
            _inner.SeekToLast();
        }
        _forward = false;
        FindPrevUserEntry();
        CheckLower();
    }

    private bool IsVisibleValue(ReadOnlySpan<byte> internalKey, out EntryType type)
    {
        ulong trailer = InternalKey.Trailer(internalKey);
        type = (EntryType)(byte)trailer;
        if (type == EntryType.ValueWithExpiry)
        {
            // Expired values read as deleted; live ones as plain values (Value strips the expiry prefix).
            type = ExpiringValue.IsExpired(_inner.Value, _nowUnixMilliseconds) ? EntryType.Deletion : EntryType.Value;
        }
        if (type == EntryType.Value && !_tombstones.IsEmpty
            && _tombstones.MaxCoveringSequence(InternalKey.UserKey(internalKey), _sequence) > trailer >> 8)
        {
            type = EntryType.Deletion;
        }
        return (trailer >> 8) <= _sequence;
    }

    private void FindNextUserEntry(bool skipping)
    {
        while (_inner.Valid)
        {
            ReadOnlySpan<byte> key = _inner.Key;
            if (_upper is not null && InternalKey.UserKey(key).SequenceCompareTo(_upper) >= 0)
            {
                // Past the bound: stop here rather than scan whatever (perhaps deleted) keys follow.
                _valid = false;
                return;
            }
            if (IsVisibleValue(key, out EntryType type))
            {
                ReadOnlySpan<byte> userKey = InternalKey.UserKey(key);
                if (type == EntryType.Deletion)
                {
                    SaveKey(userKey);
                    skipping = true;
                }
                else if (type == EntryType.Value && !(skipping && userKey.SequenceCompareTo(SavedKey) <= 0))
                {
                    _valid = true;
                    return;
                }
            }
            _inner.Next();
        }
        _valid = false;
    }

    private void FindPrevUserEntry()
    {
        EntryType valueType = EntryType.Deletion;
        while (_inner.Valid)
        {
            ReadOnlySpan<byte> key = _inner.Key;
            if (_lower is not null && InternalKey.UserKey(key).SequenceCompareTo(_lower) < 0)
            {
                break;
            }
            if (IsVisibleValue(key, out EntryType type))
            {
                ReadOnlySpan<byte> userKey = InternalKey.UserKey(key);
                if (valueType != EntryType.Deletion && userKey.SequenceCompareTo(SavedKey) < 0)
                {
                    break;
                }
                valueType = type;
                if (type == EntryType.Deletion)
                {
                    _savedKeyLength = 0;
                    _savedValueLength = 0;
                }
                else
                {
                    SaveKey(userKey);
                    SaveValue(InternalKey.Type(key) == EntryType.ValueWithExpiry ? ExpiringValue.Value(_inner.Value) : _inner.Value);
                }
            }
            _inner.Prev();
        }
        if (valueType == EntryType.Deletion)
        {
            _valid = false;
            _forward = true;
        }
        else
        {
            _valid = true;
        }
    }

    private void CheckUpper()
    {
        if (_valid && _upper is not null && Key.SequenceCompareTo(_upper) >= 0)
        {
            _valid = false;
        }
    }

    private void CheckLower()
    {
        if (_valid && _lower is not null && Key.SequenceCompareTo(_lower) < 0)
        {
            _valid = false;
        }
    }

    private void SaveKey(ReadOnlySpan<byte> key)
    {
        if (key.Length > _savedKey.Length)
        {
            _savedKey = new byte[Math.Max(key.Length, _savedKey.Length * 2)];
        }
        key.CopyTo(_savedKey);
        _savedKeyLength = key.Length;
    }

    private void SaveValue(ReadOnlySpan<byte> value)
    {
        if (value.Length > _savedValue.Length)
        {
            _savedValue = new byte[Math.Max(value.Length, _savedValue.Length * 2)];
        }
        value.CopyTo(_savedValue);
        _savedValueLength = value.Length;
    }
}
