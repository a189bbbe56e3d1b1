using Cairn.Primitives;

namespace Cairn.Consensus.Membership;

/// <summary>
/// The configuration in force at every log index since the last snapshot.
/// </summary>
/// <remarks>
/// Cairn changes membership one server at a time, and a configuration takes effect as soon as its entry is in a node's log,
/// committed or not (Raft dissertation 4.1). Applying on commit instead (as etcd does for simple changes) lets a node that has
/// not learned of a commit use a configuration two changes old, whose majorities need not overlap the newest one. Because an
/// uncommitted entry can be truncated, the history keeps every change after the snapshot so truncation can roll back.
/// Invariants: change indexes strictly increase and all exceed the base index.
/// </remarks>
internal sealed class ConfigurationHistory
{
    private readonly List<(ulong Index, Configuration Configuration)> _changes = [];
    private ulong _baseIndex;
    private Configuration _base;

    public ConfigurationHistory(ulong baseIndex, Configuration baseConfiguration)
    {
        _baseIndex = baseIndex;
        _base = baseConfiguration;
    }

    public Configuration Current => _changes.Count == 0 ? _base : _changes[^1].Configuration;

    /// <summary>Index of the newest configuration-change entry, or the base (snapshot) index when there is none.</summary>
    public ulong CurrentIndex => _changes.Count == 0 ? _baseIndex : _changes[^1].Index;

    public Configuration At(ulong index)
    {
        Invariant.Require(index >= _baseIndex, "configuration before the snapshot is forgotten");
        for (int i = _changes.Count - 1; i >= 0; i--)
        {
            if (_changes[i].Index <= index)
            {
                return _changes[i].Configuration;
            }
        }
        return _base;
    }

    /// <summary>Records a change entry just appended at <paramref name="index"/>. Invalid changes are kept as no-ops so every node agrees.</summary>
    public void Append(ulong index, ConfigurationChange change)
    {
        Invariant.Require(index > CurrentIndex, "configuration changes are appended in log order");
        Current.TryApply(change, out var next);
        _changes.Add((index, next));
    }

    /// <summary>Forgets changes at or after <paramref name="fromIndex"/> (their entries were overwritten by a new leader).</summary>
    public void TruncateFrom(ulong fromIndex)
    {
        while (_changes.Count > 0 && _changes[^1].Index >= fromIndex)
        {
            _changes.RemoveAt(_changes.Count - 1);
        }
    }

    /// <summary>Makes <paramref name="index"/> the new base, as a snapshot there does.</summary>
    public void CompactTo(ulong index)
    {
        var atIndex = At(index);
        _changes.RemoveAll(c => c.Index <= index);
        _base = atIndex;
        _baseIndex = index;
    }

    public void Reset(ulong baseIndex, Configuration configuration)
    {
        _changes.Clear();
        _base = configuration;
        _baseIndex = baseIndex;
    }
}
