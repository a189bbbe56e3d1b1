using System.Buffers;
using Cairn.Primitives;

namespace Cairn.Engine.Lsm.Manifest;

/// <summary>
/// A change to the set of live files, one manifest record (docs/formats/manifest.md): a sequence of (varint tag, fields).
/// Thread safety: none; built by one thread and then applied under the database mutex.
/// </summary>
internal sealed class VersionEdit
{
    public uint? FormatVersion { get; set; }

    public ulong? LogNumber { get; set; }

    public ulong? NextFileNumber { get; set; }

    public ulong? LastSequence { get; set; }

    public List<(int Level, ulong Number)> DeletedFiles { get; } = [];

    public List<(int Level, FileMetadata File)> NewFiles { get; } = [];

    public byte[] Encode()
    {
        var writer = new ArrayBufferWriter<byte>();
        if (FormatVersion is { } version)
        {
            Put(writer, (ulong)VersionEditTag.FormatVersion);
            Put(writer, version);
        }
        if (LogNumber is { } log)
        {
            Put(writer, (ulong)VersionEditTag.LogNumber);
            Put(writer, log);
        }
        if (NextFileNumber is { } next)
        {
            Put(writer, (ulong)VersionEditTag.NextFileNumber);
            Put(writer, next);
        }
        if (LastSequence is { } last)
        {
            Put(writer, (ulong)VersionEditTag.LastSequence);
            Put(writer, last);
        }
        foreach ((int level, ulong number) in DeletedFiles)
        {
            Put(writer, (ulong)VersionEditTag.DeletedFile);
            Put(writer, (ulong)level);
            Put(writer, number);
        }
        foreach ((int level, FileMetadata file) in NewFiles)
        {
            Put(writer, (ulong)VersionEditTag.NewFile);
            Put(writer, (ulong)level);
            Put(writer, file.Number);
            Put(writer, file.SizeBytes);
            PutBytes(writer, file.Smallest);
            PutBytes(writer, file.Largest);
            Put(writer, file.SmallestSequence);
            Put(writer, file.LargestSequence);
            Put(writer, file.EntryCount);
            Put(writer, file.DeletionCount);
            Put(writer, file.RangeDeletionCount);
        }
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes an edit; returns null if the record is malformed.</summary>
    public static VersionEdit? TryDecode(ReadOnlySpan<byte> source)
    {
        var edit = new VersionEdit();
        int position = 0;
        while (position < source.Length)
        {
            if (!TryGet(source, ref position, out ulong tag))
            {
                return null;
            }
            switch ((VersionEditTag)tag)
            {
                case VersionEditTag.FormatVersion:
                    if (!TryGet(source, ref position, out ulong version))
                    {
                        return null;
                    }
                    edit.FormatVersion = (uint)version;
                    break;
                case VersionEditTag.LogNumber:
                    if (!TryGet(source, ref position, out ulong log))
                    {
                        return null;
                    }
                    edit.LogNumber = log;
                    break;
                case VersionEditTag.NextFileNumber:
                    if (!TryGet(source, ref position, out ulong next))
                    {
                        return null;
                    }
                    edit.NextFileNumber = next;
                    break;
                case VersionEditTag.LastSequence:
                    if (!TryGet(source, ref position, out ulong last))
                    {
                        return null;
                    }
                    edit.LastSequence = last;
                    break;
                case VersionEditTag.DeletedFile:
                    if (!TryGet(source, ref position, out ulong deletedLevel) || !TryGet(source, ref position, out ulong deleted)
                        || deletedLevel >= LsmOptions.LevelCount)
                    {
                        return null;
                    }
                    edit.DeletedFiles.Add(((int)deletedLevel, deleted));
                    break;
                case VersionEditTag.NewFile:
                    if (!TryGet(source, ref position, out ulong level) || level >= LsmOptions.LevelCount
                        || !TryGet(source, ref position, out ulong number)
                        || !TryGet(source, ref position, out ulong size)
                        || !TryGetBytes(source, ref position, out byte[] smallest)
                        || !TryGetBytes(source, ref position, out byte[] largest)
                        || !TryGet(source, ref position, out ulong smallestSequence)
                        || !TryGet(source, ref position, out ulong largestSequence)
                        || !TryGet(source, ref position, out ulong entries)
                        || !TryGet(source, ref position, out ulong deletions)
                        || !TryGet(source, ref position, out ulong rangeDeletions)
                        || !Keys.InternalKey.IsValid(smallest) || !Keys.InternalKey.IsValid(largest))
                    {
                        return null;
                    }
                    edit.NewFiles.Add(((int)level, new FileMetadata
                    {
                        Number = number,
                        SizeBytes = size,
                        Smallest = smallest,
                        Largest = largest,
                        SmallestSequence = smallestSequence,
                        LargestSequence = largestSequence,
                        EntryCount = entries,
                        DeletionCount = deletions,
                        RangeDeletionCount = rangeDeletions,
                    }));
                    break;
                default:
                    return null;
            }
        }
        return edit;
    }

    private static void Put(ArrayBufferWriter<byte> writer, ulong value)
    {
        Span<byte> span = writer.GetSpan(Varint.MaxLength64);
        writer.Advance(Varint.Write(span, value));
    }

    private static void PutBytes(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        Put(writer, (ulong)value.Length);
        writer.Write(value);
    }

    private static bool TryGet(ReadOnlySpan<byte> source, ref int position, out ulong value)
    {
        int consumed = Varint.TryRead(source[position..], out value);
        position += consumed;
        return consumed > 0;
    }

    private static bool TryGetBytes(ReadOnlySpan<byte> source, ref int position, out byte[] value)
    {
        value = [];
        if (!TryGet(source, ref position, out ulong length) || length > (ulong)(source.Length - position))
        {
            return false;
        }
        value = source.Slice(position, (int)length).ToArray();
        position += (int)length;
        return true;
    }
}
