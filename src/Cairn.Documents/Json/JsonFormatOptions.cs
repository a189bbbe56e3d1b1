namespace Cairn.Documents.Json;

/// <summary>JSON.GET's INDENT / NEWLINE / SPACE strings (UTF-8). All empty is the compact form.</summary>
public sealed record JsonFormatOptions(byte[] Indent, byte[] Newline, byte[] Space)
{
    public static JsonFormatOptions Compact { get; } = new([], [], []);

    public bool IsCompact => Indent.Length == 0 && Newline.Length == 0 && Space.Length == 0;
}
