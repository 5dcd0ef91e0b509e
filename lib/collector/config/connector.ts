import { checkCustomArgs, componentProps, CollectorComponent, ComponentOptions, ConfiguredComponent, CustomComponentOptions } from './component';
import { ConfigObject } from './config-values';

/** Connector factories (escape hatch for now). A connector is an exporter of one pipeline and a receiver of another. */
export class Connector {
  /** `forward`: passes data from one pipeline to another. */
  public static forward(options: ComponentOptions = {}): CollectorComponent {
    componentProps('connector', 'forward', options, []);
    return new ConfiguredComponent('connector', 'forward', {}, options);
  }

  /** Any connector type with a free config, e.g. `Connector.custom('span_metrics', {...})`. */
  public static custom(type: string, config: ConfigObject = {}, options: CustomComponentOptions = {}): CollectorComponent {
    checkCustomArgs('connector', type, config, options);
    return new ConfiguredComponent('connector', type, config, options);
  }
}
