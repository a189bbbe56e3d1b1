using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Commands.Strings;

/// <summary>
/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest common subsequence by the classic dynamic
/// programming table, walked back from the end as Redis does, so matches come out last-first with Redis's exact ranges.
/// </summary>
internal static class LcsCommand
{
    [Command("LCS")]
    public static void Lcs(CommandContext ctx)
    {
        Database db = ctx.Database;
        int indexA = ctx.LookupRead(ctx.Arg(1));
        int indexB = ctx.LookupRead(ctx.Arg(2));
        object? valueA = indexA < 0 ? null : db.EntryAt(indexA).Value;
        object? valueB = indexB < 0 ? null : db.EntryAt(indexB).Value;
        if ((valueA is not null && valueA is not byte[]) || (valueB is not null && valueB is not byte[]))
        {
            ctx.Error("ERR The specified keys must contain string values");
            return;
        }
        byte[] a = valueA as byte[] ?? [];
        byte[] b = valueB as byte[] ?? [];
        bool getLength = false;
        bool getIndexes = false;
        bool withMatchLength = false;
        long minMatchLength = 0;
        for (int j = 3; j < ctx.ArgumentCount; j++)
        {
            bool hasMore = j + 1 < ctx.ArgumentCount;
            if (ctx.ArgIs(j, "IDX"u8))
            {
                getIndexes = true;
            }
            else if (ctx.ArgIs(j, "LEN"u8))
            {
                getLength = true;
            }
            else if (ctx.ArgIs(j, "WITHMATCHLEN"u8))
            {
                withMatchLength = true;
            }
            else if (ctx.ArgIs(j, "MINMATCHLEN"u8) && hasMore)
            {
                if (!ctx.TryGetInt64(j + 1, out minMatchLength))
                {
                    return;
                }
                minMatchLength = Math.Max(0, minMatchLength);
                j++;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (getIndexes && getLength)
        {
            ctx.Error("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        long cells = (long)(a.Length + 1) * (b.Length + 1);
        if (cells * sizeof(uint) > ctx.Server.Config.ProtoMaxBulkLengthBytes || cells > Array.MaxLength)
        {
            ctx.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        uint[] table = BuildTable(a, b);
        int width = b.Length + 1;
        uint length = table[(a.Length * width) + b.Length];
        if (getLength)
        {
            ctx.Reply.WriteInteger(length);
            return;
        }
        var matches = new List<LcsMatch>();
        byte[] common = WalkBack(a, b, table, length, getIndexes, minMatchLength, matches);
        if (!getIndexes)
        {
            ctx.Reply.WriteBulkString(common);
            return;
        }
        ctx.Reply.WriteMapHeader(2);
        ctx.Reply.WriteBulkString("matches"u8);
        ctx.Reply.WriteArrayHeader(matches.Count);
        foreach (LcsMatch match in matches)
        {
            ctx.Reply.WriteArrayHeader(withMatchLength ? 3 : 2);
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteInteger(match.StartA);
            ctx.Reply.WriteInteger(match.EndA);
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteInteger(match.StartB);
            ctx.Reply.WriteInteger(match.EndB);
            if (withMatchLength)
            {
                ctx.Reply.WriteInteger(match.EndA - match.StartA + 1);
            }
        }
        ctx.Reply.WriteBulkString("len"u8);
        ctx.Reply.WriteInteger(length);
    }

    /// <summary>table[i * (|b|+1) + j] = length of the LCS of a[..i] and b[..j].</summary>
    private static uint[] BuildTable(byte[] a, byte[] b)
    {
        int width = b.Length + 1;
        uint[] table = new uint[(a.Length + 1) * width];
        for (int i = 1; i <= a.Length; i++)
        {
            int row = i * width;
            int previousRow = row - width;
            for (int j = 1; j <= b.Length; j++)
            {
                table[row + j] = a[i - 1] == b[j - 1]
                    ? table[previousRow + j - 1] + 1
                    : Math.Max(table[previousRow + j], table[row + j - 1]);
            }
        }
        return table;
    }

    /// <summary>lcsCommand's walk from the bottom-right corner: builds the common string and, for IDX, the match ranges.</summary>
    private static byte[] WalkBack(byte[] a, byte[] b, uint[] table, uint length, bool collect, long minMatchLength, List<LcsMatch> matches)
    {
        int width = b.Length + 1;
        byte[] result = new byte[length];
        int index = (int)length;
        int i = a.Length;
        int j = b.Length;
        // No range open while startA == |a| (Redis's sentinel).
        int startA = a.Length, endA = 0, startB = 0, endB = 0;
        while (i > 0 && j > 0)
        {
            bool emit = false;
            if (a[i - 1] == b[j - 1])
            {
                result[index - 1] = a[i - 1];
                if (startA == a.Length)
                {
                    startA = i - 1;
                    endA = i - 1;
                    startB = j - 1;
                    endB = j - 1;
                }
                else if (startA == i && startB == j)
                {
                    startA--;
                    startB--;
                }
                else
                {
                    emit = true;
                }
                if (startA == 0 || startB == 0)
                {
                    emit = true;
                }
                index--;
                i--;
                j--;
            }
            else
            {
                uint up = table[((i - 1) * width) + j];
                uint left = table[(i * width) + j - 1];
                if (up > left)
                {
                    i--;
                }
                else
                {
                    j--;
                }
                if (startA != a.Length)
                {
                    emit = true;
                }
            }
            if (emit)
            {
                long matchLength = endA - startA + 1;
                if (collect && (minMatchLength == 0 || matchLength >= minMatchLength))
                {
                    matches.Add(new LcsMatch(startA, endA, startB, endB));
                }
                startA = a.Length;
            }
        }
        return result;
    }
}
