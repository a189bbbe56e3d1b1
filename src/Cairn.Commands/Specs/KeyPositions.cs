using System.Text;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Specs;

/// <summary>Where a command's keys are among its arguments, from its spec (first/last/step, or numkeys), and SORT's STORE.</summary>
public static class KeyPositions
{
    /// <summary>Whether the command names keys at all (COMMAND GETKEYS: "The command has no key arguments" otherwise).</summary>
    public static bool HasKeys(CommandSpec spec) => spec.FirstKey > 0 || spec.NumKeysIndex > 0 || HasStreamKeys(spec);

    /// <summary>XREAD and XREADGROUP: keys after STREAMS (<see cref="AddStreamKeys"/>), none in the spec.</summary>
    private static bool HasStreamKeys(CommandSpec spec) => spec.Name is "xread" or "xreadgroup";

    /// <summary>Positions of key arguments; <paramref name="arg"/> gives argument i (0 = command name).</summary>
    public static List<int> Of(CommandSpec spec, int argc, Func<int, ReadOnlyMemory<byte>> arg) => Of(spec, argc, arg, out _);

    /// <summary>
    /// As <see cref="Of(CommandSpec, int, Func{int, ReadOnlyMemory{byte}})"/>; <paramref name="valid"/> is false when a key
    /// count is not a positive number of keys that are all there (Redis's key specs then find no key at all: COMMAND
    /// GETKEYS answers "Invalid arguments specified for command"); the positions found are still returned.
    /// </summary>
    public static List<int> Of(CommandSpec spec, int argc, Func<int, ReadOnlyMemory<byte>> arg, out bool valid)
    {
        var positions = new List<int>();
        valid = true;
        if (spec.NumKeysIndex > 0 && spec.NumKeysIndex < argc)
        {
            if (NumberFormat.TryParseInt64(arg(spec.NumKeysIndex).Span, out long count))
            {
                for (int i = 0; i < count && spec.NumKeysIndex + 1 + i < argc; i++)
                {
                    positions.Add(spec.NumKeysIndex + 1 + i);
                }
            }
            valid = count > 0 && count <= argc - spec.NumKeysIndex - 1;
            if (spec.FirstKey > 0 && spec.FirstKey < spec.NumKeysIndex)
            {
                positions.Insert(0, spec.FirstKey);
            }
            return positions;
        }
        if (HasStreamKeys(spec))
        {
            AddStreamKeys(positions, argc, arg);
            valid = positions.Count > 0;
            return positions;
        }
        if (spec.FirstKey <= 0)
        {
            return positions;
        }
        if (spec.Name == "sort")
        {
            // Redis's sortGetKeys: the sorted key, and the destination after the last STORE (skipping LIMIT's two
            // arguments and BY's and GET's one, which are patterns, not keys).
            positions.Add(spec.FirstKey);
            int store = -1;
            for (int i = 2; i < argc; i++)
            {
                ReadOnlySpan<byte> option = arg(i).Span;
                if (Ascii.EqualsIgnoreCase(option, "LIMIT"u8))
                {
                    i += 2;
                }
                else if (Ascii.EqualsIgnoreCase(option, "GET"u8) || Ascii.EqualsIgnoreCase(option, "BY"u8))
                {
                    i++;
                }
                else if (Ascii.EqualsIgnoreCase(option, "STORE"u8) && i + 1 < argc)
                {
                    store = ++i;
                }
            }
            if (store > 0)
            {
                positions.Add(store);
            }
            return positions;
        }
        int last = spec.LastKey >= 0 ? spec.LastKey : argc + spec.LastKey;
        int step = Math.Max(1, spec.Step);
        for (int i = spec.FirstKey; i <= last && i < argc; i += step)
        {
            positions.Add(i);
        }
        return positions;
    }

    /// <summary>
    /// XREAD's and XREADGROUP's keys (Redis's xreadGetKeys): past the options (BLOCK, COUNT and GROUP with their arguments,
    /// NOACK), STREAMS is followed by the keys and then as many IDs; none when the options or the count are malformed
    /// (the command then answers its syntax error).
    /// </summary>
    private static void AddStreamKeys(List<int> positions, int argc, Func<int, ReadOnlyMemory<byte>> arg)
    {
        int streams = -1;
        for (int i = 1; i < argc; i++)
        {
            ReadOnlySpan<byte> option = arg(i).Span;
            if (Ascii.EqualsIgnoreCase(option, "BLOCK"u8) || Ascii.EqualsIgnoreCase(option, "COUNT"u8))
            {
                i++;
            }
            else if (Ascii.EqualsIgnoreCase(option, "GROUP"u8))
            {
                i += 2;
            }
            else if (Ascii.EqualsIgnoreCase(option, "STREAMS"u8))
            {
                streams = i;
                break;
            }
            else if (!Ascii.EqualsIgnoreCase(option, "NOACK"u8))
            {
                return;
            }
        }
        int rest = argc - streams - 1;
        if (streams < 0 || rest == 0 || rest % 2 != 0)
        {
            return;
        }
        for (int k = 0; k < rest / 2; k++)
        {
            positions.Add(streams + 1 + k);
        }
    }
}
