using Cairn.Engine.Lsm.Keys;
using Cairn.Engine.Lsm.Manifest;
using Cairn.Engine.Lsm.RangeDeletes;
using Cairn.Engine.Lsm.Table;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Lsm.Compaction;

/// <summary>
/// Writes a sorted stream of entries into tables of about the target size, cutting only between user keys (so one key's
/// versions never straddle two files of a level) and giving each table the range-tombstone pieces between its cut points.
/// Every finished table is synced before it is reported. Thread safety: one thread.
/// </summary>
internal sealed class TableOutputWriter
{
    private readonly IFileSystem _fileSystem;
    private readonly string _directory;
    private readonly TableOptions _tableOptions;
    private readonly long _targetFileSizeBytes;
    private readonly Func<ulong> _newFileNumber;
    private readonly List<RangeTombstone> _tombstones;
    private readonly CompactionOutput _output;
    private TableBuilder? _builder;
    private ulong _fileNumber;
    private byte[]? _lowerBound;
    private byte[] _lastUserKey = [];

    public TableOutputWriter(IFileSystem fileSystem, string directory, TableOptions tableOptions, long targetFileSizeBytes,
        Func<ulong> newFileNumber, List<RangeTombstone> tombstones, CompactionOutput output)
    {
        _fileSystem = fileSystem;
        _directory = directory;
        _tableOptions = tableOptions;
        _targetFileSizeBytes = targetFileSizeBytes;
        _newFileNumber = newFileNumber;
        _tombstones = tombstones;
        _output = output;
    }

    public void Add(ReadOnlySpan<byte> internalKey, ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> userKey = InternalKey.UserKey(internalKey);
        if (_builder is not null && _builder.EstimatedSizeBytes >= _targetFileSizeBytes && !userKey.SequenceEqual(_lastUserKey))
        {
            FinishFile(userKey.ToArray());
        }
        if (_builder is null)
        {
            Open();
        }
        _builder!.Add(internalKey, value);
        if (!userKey.SequenceEqual(_lastUserKey))
        {
            _lastUserKey = userKey.ToArray();
        }
    }

    /// <summary>Finishes the last table; a table holding only tombstones is written if any tombstone remains.</summary>
    public void Finish()
    {
        if (_builder is null && HasTombstonesFrom(_lowerBound))
        {
            Open();
        }
        if (_builder is not null)
        {
            FinishFile(null);
        }
    }

    /// <summary>Deletes a partly written table after a failure.</summary>
    public void Abandon()
    {
        if (_builder is not null)
        {
            _builder.Dispose();
            _builder = null;
            _fileSystem.Delete(DatabaseFiles.TablePath(_directory, _fileNumber));
        }
    }

    private void Open()
    {
        _fileNumber = _newFileNumber();
        _builder = new TableBuilder(_fileSystem.CreateWritable(DatabaseFiles.TablePath(_directory, _fileNumber)), _tableOptions);
    }

    private bool HasTombstonesFrom(byte[]? lower)
    {
        foreach (RangeTombstone t in _tombstones)
        {
            if (lower is null || t.End.AsSpan().SequenceCompareTo(lower) > 0)
            {
                return true;
            }
        }
        return false;
    }

    private void FinishFile(byte[]? upperBound)
    {
        TableBuilder builder = _builder!;
        foreach (RangeTombstone t in _tombstones)
        {
            byte[] start = _lowerBound is not null && t.Start.AsSpan().SequenceCompareTo(_lowerBound) < 0 ? _lowerBound : t.Start;
            byte[] end = upperBound is not null && t.End.AsSpan().SequenceCompareTo(upperBound) > 0 ? upperBound : t.End;
            if (start.AsSpan().SequenceCompareTo(end) < 0)
            {
                builder.AddRangeTombstone(new RangeTombstone(start, end, t.Sequence));
            }
        }
        TableBuildResult result = builder.Finish();
        builder.Sync();
        builder.Dispose();
        _builder = null;
        _output.Files.Add(new FileMetadata
        {
            Number = _fileNumber,
            SizeBytes = result.FileSizeBytes,
            Smallest = result.Smallest,
            Largest = result.Largest,
            SmallestSequence = result.SmallestSequence,
            LargestSequence = result.LargestSequence,
            EntryCount = result.EntryCount,
            DeletionCount = result.DeletionCount,
            RangeDeletionCount = result.RangeDeletionCount,
        });
        _output.BytesWritten += (long)result.FileSizeBytes;
        _lowerBound = upperBound;
    }
}
