package dev.trufflexen.launcher;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Spec;

/**
 * {@code txl completion}: prints a bash completion script for {@code txl}, made from the command
 * model itself so it never falls behind it. It completes command names, each command's options,
 * and domain names wherever a command takes a {@code DOMAIN} (a positional or an option's
 * value), asking the running host with {@code txl list}; everything else falls back to file
 * names (configs, kernels, core files).
 */
@Command(name = "completion",
        mixinStandardHelpOptions = true,
        description = {"Print a bash completion script for txl: command names, options, and the running host's "
            + "domain names.", "Use: source <(bin/txl completion)"})
public final class CompletionCommand implements Callable<Integer> {
    /** The label that marks a parameter as a domain's name or id. */
    static final String DOMAIN_LABEL = "DOMAIN";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(script(spec.root()));
        out.flush();
        return 0;
    }

    /** The script for the command tree under {@code root}. */
    static String script(CommandSpec root) {
        Map<String, CommandSpec> commands = new TreeMap<>();
        root.subcommands().forEach((name, line) -> commands.put(name, line.getCommandSpec()));
        StringBuilder s = new StringBuilder();
        s.append("# bash completion for txl, printed by 'txl completion'; use: source <(bin/txl completion)\n");
        s.append("_txl_domains() {\n");
        s.append("    local names\n");
        s.append("    names=$(\"$1\" list 2>/dev/null | awk 'NR > 1 { print $1 }')\n");
        s.append("    COMPREPLY=($(compgen -W \"$names\" -- \"$2\"))\n");
        s.append("}\n\n");
        s.append("_txl() {\n");
        s.append("    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} txl=${COMP_WORDS[0]}\n");
        s.append("    if ((COMP_CWORD == 1)); then\n");
        s.append("        COMPREPLY=($(compgen -W \"").append(String.join(" ", commands.keySet()))
                .append(" --help --version\" -- \"$cur\"))\n");
        s.append("        return\n");
        s.append("    fi\n");
        s.append("    local command=${COMP_WORDS[1]} options='' valued='' domain_options='' domain_at=-1 subcommands=''\n");
        s.append("    case $command in\n");
        for (Map.Entry<String, CommandSpec> command : commands.entrySet()) {
            CommandSpec sub = command.getValue();
            List<String> options = new ArrayList<>();
            List<String> valued = new ArrayList<>();
            List<String> domainOptions = new ArrayList<>();
            for (OptionSpec option : sub.options()) {
                options.addAll(List.of(option.names()));
                if (option.arity().max() > 0 && !option.typeInfo().isBoolean()) {
                    valued.addAll(List.of(option.names()));
                    if (DOMAIN_LABEL.equals(option.paramLabel())) {
                        domainOptions.addAll(List.of(option.names()));
                    }
                }
            }
            int domainAt = -1;
            List<PositionalParamSpec> positionals = sub.positionalParameters();
            for (int i = 0; i < positionals.size(); i++) {
                if (DOMAIN_LABEL.equals(positionals.get(i).paramLabel())) {
                    domainAt = i;
                    break;
                }
            }
            s.append("        ").append(command.getKey()).append(")\n");
            s.append("            options='").append(String.join(" ", options)).append("' valued='")
                    .append(String.join(" ", valued)).append("' domain_options='").append(String.join(" ", domainOptions))
                    .append("' domain_at=").append(domainAt).append(" subcommands='")
                    .append(String.join(" ", sub.subcommands().keySet())).append("' ;;\n");
        }
        s.append("        *) return ;;\n");
        s.append("    esac\n");
        s.append("    if [[ \" $domain_options \" == *\" $prev \"* ]]; then\n");
        s.append("        _txl_domains \"$txl\" \"$cur\"\n");
        s.append("        return\n");
        s.append("    fi\n");
        s.append("    if ((COMP_CWORD == 2)) && [[ -n $subcommands && $cur != -* ]]; then\n");
        s.append("        COMPREPLY=($(compgen -W \"$subcommands\" -- \"$cur\"))\n");
        s.append("        return\n");
        s.append("    fi\n");
        s.append("    if [[ $cur == -* ]]; then\n");
        s.append("        COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n");
        s.append("        return\n");
        s.append("    fi\n");
        s.append("    # which positional parameter the word is: skip options and the values they take\n");
        s.append("    local i position=0\n");
        s.append("    for ((i = 2; i < COMP_CWORD; i++)); do\n");
        s.append("        local word=${COMP_WORDS[i]}\n");
        s.append("        if [[ $word == -* ]]; then\n");
        s.append("            [[ $word != *=* && \" $valued \" == *\" $word \"* ]] && ((i++))\n");
        s.append("        else\n");
        s.append("            ((position++))\n");
        s.append("        fi\n");
        s.append("    done\n");
        s.append("    if ((position == domain_at)); then\n");
        s.append("        _txl_domains \"$txl\" \"$cur\"\n");
        s.append("    fi\n");
        s.append("}\n\n");
        s.append("complete -F _txl -o default txl\n");
        return s.toString();
    }
}
