using Cairn.Protocol.Resp;

namespace Cairn.Commands.Specs;

/// <summary>Where a command's keys are among its arguments, from its spec (first/last/step, or numkeys).</summary>
public static class KeyPositions
{
    /// <summary>Positions of key arguments; <paramref name="arg"/> gives argument i (0 = command name).</summary>
    public static List<int> Of(CommandSpec spec, int argc, Func<int, ReadOnlyMemory<byte>> arg)
    {
        var positions = new List<int>();
        if (spec.NumKeysIndex > 0 && spec.NumKeysIndex < argc)
        {
            if (NumberFormat.TryParseInt64(arg(spec.NumKeysIndex).Span, out long count))
            {
                for (int i = 0; i < count && spec.NumKeysIndex + 1 + i < argc; i++)
                {
                    positions.Add(spec.NumKeysIndex + 1 + i);
                }
            }
            if (spec.FirstKey > 0 && spec.FirstKey < spec.NumKeysIndex)
            {
                positions.Insert(0, spec.FirstKey);
            }
            return positions;
        }
        if (spec.FirstKey <= 0)
        {
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
}
