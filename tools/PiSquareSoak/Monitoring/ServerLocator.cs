namespace IotSquares.Soak.Monitoring;

/// <summary>Finds the PiSquareServer.dll to start when <c>--server</c> is not given.</summary>
internal static class ServerLocator
{
    /// <summary>The server's assembly name.</summary>
    public const string FileName = "PiSquareServer.dll";

#if DEBUG
    private const string OwnConfiguration = "Debug";
    private const string OtherConfiguration = "Release";
#else
    private const string OwnConfiguration = "Release";
    private const string OtherConfiguration = "Debug";
#endif

    /// <summary>
    /// The server beside the tool (both built with <c>-o</c> into one folder, as scripts/soak.sh does),
    /// else the one built from the same repository (<c>src/PiSquareServer/bin/&lt;configuration&gt;/</c>,
    /// the tool's own configuration first); null if there is none.
    /// </summary>
    public static string? Find()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, FileName);
        if (File.Exists(beside))
        {
            return beside;
        }

        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        for (int level = 0; level < 10 && directory is not null; level++, directory = directory.Parent)
        {
            string project = Path.Combine(directory.FullName, "src", "PiSquareServer");
            if (!File.Exists(Path.Combine(project, "PiSquareServer.csproj")))
            {
                continue;
            }

            foreach (string configuration in (string[])[OwnConfiguration, OtherConfiguration])
            {
                string bin = Path.Combine(project, "bin", configuration);
                if (!Directory.Exists(bin))
                {
                    continue;
                }

                string? found = Directory.EnumerateFiles(bin, FileName, SearchOption.AllDirectories)
                    .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}publish{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                    .OrderByDescending(File.GetLastWriteTimeUtc)
                    .FirstOrDefault();
                if (found is not null)
                {
                    return found;
                }
            }

            return null;
        }

        return null;
    }
}
