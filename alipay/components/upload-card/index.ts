// One photo's tile (Alipay): the same tile as WeChat's (state on the picture, name and
// note under it, an × corner). It only reports taps through the onXxx props the page
// passes (Alipay's way; WeChat's tile uses triggerEvent): tap, long tap, corner, and the
// 暂停 / 继续 button of a file in parts (onAction).
import type { CardView } from '../../shared/miniprogram/shared/ui/index';
import type { CardLabels } from '../../shared/miniprogram/shared/ui/index';

type CardCallback = (id: string) => void;

interface CardProps {
  card: CardView;
  labels: CardLabels;
  onTile: CardCallback;
  onHold: CardCallback;
  onCorner: CardCallback;
  onAction: CardCallback;
}

const noop: CardCallback = () => undefined;

Component({
  props: {
    card: {} as CardView,
    labels: {} as CardLabels,
    onTile: noop,
    onHold: noop,
    onCorner: noop,
    onAction: noop,
  } as CardProps,
  data: {
    card: {} as CardView,
    labels: {} as CardLabels,
  },
  // Props mirrored into data so the template reads the same names as WeChat's tile.
  deriveDataFromProps(nextProps: Partial<CardProps>) {
    this.setData({ card: nextProps.card ?? ({} as CardView), labels: nextProps.labels ?? ({} as CardLabels) });
  },
  methods: {
    emit(action: 'onTile' | 'onHold' | 'onCorner' | 'onAction') {
      const props = this.props as CardProps;
      const callback = props[action];
      if (typeof callback === 'function') callback(props.card.id);
    },
    onTap() {
      this.emit('onTile');
    },
    onHold() {
      this.emit('onHold');
    },
    onCorner() {
      this.emit('onCorner');
    },
    onAction() {
      this.emit('onAction');
    },
  },
});
