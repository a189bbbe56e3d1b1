using System.Globalization;

namespace Cairn.Engine.Lsm;

/// <summary>Names of the files in a database directory: NNNNNN.log (WAL), NNNNNN.sst (table), MANIFEST-NNNNNN, CURRENT.</summary>
internal static class DatabaseFiles
{
    public static string TablePath(string directory, ulong number) => $"{directory}/{number:D6}.sst";

    public static string LogPath(string directory, ulong number) => $"{directory}/{number:D6}.log";

    public static string ManifestName(ulong number) => $"MANIFEST-{number:D6}";

    public static string CurrentPath(string directory) => $"{directory}/CURRENT";

    public static string TempPath(string directory, ulong number) => $"{directory}/{number:D6}.tmp";

    public enum Kind
    {
        Unknown,
        Log,
        Table,
        Manifest,
        Current,
        Temp,
    }

    public static Kind Parse(string name, out ulong number)
    {
        number = 0;
        if (name == "CURRENT")
        {
            return Kind.Current;
        }
        if (name.StartsWith("MANIFEST-", StringComparison.Ordinal))
        {
            return ulong.TryParse(name.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out number)
                ? Kind.Manifest : Kind.Unknown;
        }
        int dot = name.IndexOf('.');
        if (dot <= 0 || !ulong.TryParse(name.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return Kind.Unknown;
        }
        return name[(dot + 1)..] switch
        {
            "log" => Kind.Log,
            "sst" => Kind.Table,
            "tmp" => Kind.Temp,
            _ => Kind.Unknown,
        };
    }
}
