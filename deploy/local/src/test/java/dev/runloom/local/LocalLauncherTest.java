package dev.runloom.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ./runloom --replicas N}: how the launcher reads its one option (RUNLOOM_REPLICAS is unset in tests). */
class LocalLauncherTest {

    @Test
    void replicasComeFromTheCommandLine() {
        assertThat(LocalLauncher.replicas(new String[0])).isEqualTo(1);
        assertThat(LocalLauncher.replicas(new String[] {"--replicas", "3"})).isEqualTo(3);
        assertThat(LocalLauncher.replicas(new String[] {"--replicas=2"})).isEqualTo(2);
    }

    @Test
    void badReplicaCountsAndUnknownArgumentsAreRefused() {
        assertThatThrownBy(() -> LocalLauncher.replicas(new String[] {"--replicas", "0"}))
                .hasMessageContaining("between 1 and 16");
        assertThatThrownBy(() -> LocalLauncher.replicas(new String[] {"--replicas", "three"}))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> LocalLauncher.replicas(new String[] {"--verbose"}))
                .hasMessageContaining("unknown argument --verbose");
    }
}
