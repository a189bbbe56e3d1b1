using System.Runtime.InteropServices;
using Cairn.Commands.Execution;
using Cairn.Commands.PubSub;
using Cairn.Commands.Sets;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Lists;
using Cairn.Engine.Memory.Sets;
using Cairn.Engine.Memory.SortedSets;

namespace Cairn.Commands.Sort;

/// <summary>
/// SORT and SORT_RO as Redis 7.0's sortCommandGeneric (sort.c): parse the options, load the list, set or sorted set (a
/// missing key is an empty list), weigh and order the elements unless BY names no '*', cut the LIMIT window, then reply the
/// elements or their GET values, or STORE them as a list. The steps are kept in sort.c's order because it is observable:
/// syntax errors come before WRONGTYPE, and "One or more scores can't be converted into double" after every BY look-up.
/// </summary>
internal static class SortCommands
{
    [Command("SORT")]
    public static void Sort(CommandContext ctx) => Run(ctx, readOnly: false);

    [Command("SORT_RO")]
    public static void SortReadOnly(CommandContext ctx) => Run(ctx, readOnly: true);

    private static void Run(CommandContext ctx, bool readOnly)
    {
        if (!SortOptions.TryParse(ctx, readOnly, out SortOptions options))
        {
            return;
        }
        int slot = ctx.LookupRead(ctx.Arg(1));
        DataObject? source = null;
        if (slot >= 0)
        {
            object value = ctx.Database.EntryAt(slot).Value;
            source = value as DataObject;
            if (source is null || source.Type is not (DataType.List or DataType.Set or DataType.SortedSet))
            {
                ctx.WrongType();
                return;
            }
        }

        // Sorting a set by nothing would reply hash order, which differs between replicas and AOF replays: STORE sorts it.
        if (options.DontSort && source is SetObject && options.StoreKey is not null)
        {
            options.DontSort = false;
            options.Alpha = true;
            options.ByPattern = null;
        }

        long length = source?.Length ?? 0;
        long start = Math.Min(Math.Max(options.LimitStart, 0), length);
        long count = Math.Min(Math.Max(options.LimitCount, -1), length);
        long end = count < 0 ? length : start + count - 1;
        if (start >= length)
        {
            start = length - 1;
            end = length - 2;
        }
        if (end >= length)
        {
            end = length - 1;
        }

        List<SortItem> items = Load(source, options, ref start, ref end);
        if (!options.DontSort && !Weigh(ctx, items, options))
        {
            ctx.Error("ERR One or more scores can't be converted into double");
            return;
        }
        if (!options.DontSort)
        {
            var comparer = new SortComparer(options.Descending, options.Alpha, options.ByPattern is not null, options.StoreKey is not null);
            if (options.ByPattern is not null && (start != 0 || end != items.Count - 1))
            {
                // sort.c sorts only the LIMIT window with pqsort here; its order of ties is part of the reply.
                PartialQuickSort.Sort(CollectionsMarshal.AsSpan(items), comparer.CompareAsRedis, start, end);
            }
            else
            {
                items.Sort(comparer);
            }
        }

        if (options.StoreKey is { } destination)
        {
            Store(ctx, items, options.GetPatterns, destination, start, end);
        }
        else
        {
            Reply(ctx, items, options.GetPatterns, start, end);
        }
    }

    /// <summary>
    /// The elements to order. A list or sorted set that is not sorted loads only its LIMIT window, walked in DESC order when
    /// asked, and the window is rebased to start at 0 (Redis's special case, which lets LIMIT apply to BY nosort).
    /// </summary>
    private static List<SortItem> Load(DataObject? source, SortOptions options, ref long start, ref long end)
    {
        var items = new List<SortItem>((int)Math.Min(source?.Length ?? 0, 1 << 20));
        switch (source)
        {
            case ListObject list when options.DontSort:
                if (end >= start)
                {
                    int count = (int)(end - start + 1);
                    int first = (int)(options.Descending ? list.Count - start - 1 : start);
                    for (int i = 0; i < count; i++)
                    {
                        Add(items, list[options.Descending ? first - i : first + i].ToArray());
                    }
                    end -= start;
                    start = 0;
                }
                break;
            case ListObject list:
                ListReader reader = list.ReadFrom(0);
                while (reader.TryRead(out ReadOnlySpan<byte> element))
                {
                    Add(items, element.ToArray());
                }
                break;
            case SetObject set:
                foreach (ReadOnlySpan<byte> member in set)
                {
                    Add(items, member.ToArray());
                }
                break;
            case SortedSetObject sortedSet when options.DontSort:
                if (end >= start)
                {
                    long count = end - start + 1;
                    long rank = options.Descending ? sortedSet.Length - 1 - start : start;
                    SortedSetObject.Walker walker = sortedSet.Walk(rank, options.Descending);
                    for (long i = 0; i < count && walker.MoveNext(); i++)
                    {
                        Add(items, walker.Current.Member);
                    }
                }
                end -= start;
                start = 0;
                break;
            case SortedSetObject sortedSet:
                if (sortedSet.Length > 0)
                {
                    SortedSetObject.Walker walker = sortedSet.Walk(0, reverse: false);
                    while (walker.MoveNext())
                    {
                        Add(items, walker.Current.Member);
                    }
                }
                break;
        }
        return items;
    }

    private static void Add(List<SortItem> items, byte[] element) =>
        items.Add(new SortItem { Element = element, Position = items.Count });

    /// <summary>Sets each element's weight (numeric) or BY value (ALPHA). False when a weight is not a double.</summary>
    private static bool Weigh(CommandContext ctx, List<SortItem> items, SortOptions options)
    {
        bool convertible = true;
        for (int i = 0; i < items.Count; i++)
        {
            SortItem item = items[i];
            ReadOnlySpan<byte> weight = item.Element;
            if (options.ByPattern is { } by && !by.TryResolve(ctx, item.Element, out weight))
            {
                continue; // a missing BY key weighs 0, or sorts first with ALPHA
            }
            if (options.Alpha)
            {
                if (options.ByPattern is null)
                {
                    continue;
                }
                item.CompareValue = weight.ToArray();
            }
            else if (!SortScore.TryParse(weight, out item.Score))
            {
                convertible = false;
            }
            items[i] = item;
        }
        return convertible;
    }

    private static void Reply(CommandContext ctx, List<SortItem> items, List<SortPattern> gets, long start, long end)
    {
        long rows = end - start + 1;
        ctx.Reply.WriteArrayHeader(gets.Count == 0 ? rows : gets.Count * rows);
        for (long j = start; j <= end; j++)
        {
            byte[] element = items[(int)j].Element;
            if (gets.Count == 0)
            {
                ctx.Reply.WriteBulkString(element);
                continue;
            }
            foreach (SortPattern get in gets)
            {
                if (get.TryResolve(ctx, element, out ReadOnlySpan<byte> value))
                {
                    ctx.Reply.WriteBulkString(value);
                }
                else
                {
                    ctx.Reply.WriteNull();
                }
            }
        }
    }

    /// <summary>STORE: the result as a list (a missing GET value stores ""); an empty result deletes the destination.</summary>
    private static void Store(CommandContext ctx, List<SortItem> items, List<SortPattern> gets, byte[] destination, long start, long end)
    {
        var values = new List<byte[]>();
        long bytes = 0;
        for (long j = start; j <= end; j++)
        {
            byte[] element = items[(int)j].Element;
            if (gets.Count == 0)
            {
                values.Add(element);
                bytes += element.Length;
                continue;
            }
            foreach (SortPattern get in gets)
            {
                byte[] value = get.TryResolve(ctx, element, out ReadOnlySpan<byte> found) ? found.ToArray() : [];
                values.Add(value);
                bytes += value.Length;
            }
        }
        var list = new ListObject();
        list.PrepareToAdd(bytes, values.Count);
        foreach (byte[] value in values)
        {
            list.Push(value, head: false);
        }
        DestinationWriter.Store(ctx, destination, list, KeyspaceEvents.List, "sortstore");
        ctx.Reply.WriteInteger(values.Count);
    }
}
